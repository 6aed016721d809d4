using System.Diagnostics;
using System.Globalization;
using CsCheck;

namespace GroupNetDsl.TestSupport.Fuzzing;

/// <summary>
/// Runs a fuzz property over inputs drawn from a CsCheck generator. Case i is drawn from a PCG seeded with
/// (seed, i), so a CI run sees the same inputs every time and a failure names the one case to replay.
/// <see cref="IterationsVariable"/> scales every property's count for a long run by hand, and
/// <see cref="SeedVariable"/> moves a long run to other inputs.
/// </summary>
public static class FuzzRun
{
    /// <summary>Multiplies every property's CI count (for example 100 for a long run).</summary>
    public const string IterationsVariable = "GROUPNETDSL_FUZZ_ITERATIONS";

    /// <summary>Replaces the fixed seed (a positive integer).</summary>
    public const string SeedVariable = "GROUPNETDSL_FUZZ_SEED";

    /// <summary>A file to which long runs append a progress line now and then (a run cut short still says what it did).</summary>
    public const string LogVariable = "GROUPNETDSL_FUZZ_LOG";

    public const ulong DefaultSeed = 20261204;

    public static ulong Seed { get; } = ulong.TryParse(Environment.GetEnvironmentVariable(SeedVariable), NumberStyles.None, CultureInfo.InvariantCulture, out ulong seed) ? seed : DefaultSeed;

    public static int Factor { get; } = int.TryParse(Environment.GetEnvironmentVariable(IterationsVariable), NumberStyles.None, CultureInfo.InvariantCulture, out int factor) && factor > 0 ? factor : 1;

    /// <summary>
    /// Checks <paramref name="property"/> on <paramref name="ciIterations"/> (times <see cref="Factor"/>) inputs and
    /// returns how many ran and how long they took. A failure is rethrown with the case's seed and input.
    /// </summary>
    public static FuzzStatistics Check<T>(Gen<T> gen, int ciIterations, Action<T> property, Func<T, string> describe)
    {
        long iterations = (long)ciIterations * Factor;
        var clock = Stopwatch.StartNew();
        for (long i = 0; i < iterations; i++)
        {
            var input = Draw(gen, i);
            try
            {
                property(input);
            }
            catch (Exception exception)
            {
                throw new FuzzFailureException($"Fuzz case {i} of seed {Seed} failed ({exception.GetType().Name}): {exception.Message}\nInput:\n{describe(input)}", exception);
            }
        }
        return new FuzzStatistics(iterations, clock.Elapsed);
    }

    /// <summary>Appends <paramref name="line"/>, with the time, to the file <see cref="LogVariable"/> names, if any.</summary>
    public static void Log(string line)
    {
        if (Environment.GetEnvironmentVariable(LogVariable) is { Length: > 0 } path)
        {
            File.AppendAllText(path, $"{DateTime.UtcNow:HH:mm:ss} {line}\n");
        }
    }

    /// <summary>The input of case <paramref name="index"/>: what a failure report names, to debug it alone.</summary>
    public static T Draw<T>(Gen<T> gen, long index) => Draw(gen, Seed, index);

    /// <summary>The input of case <paramref name="index"/> of a run with <paramref name="seed"/>.</summary>
    public static T Draw<T>(Gen<T> gen, ulong seed, long index) => gen.Generate(new PCG((uint)(seed % uint.MaxValue), (ulong)index * 0x9E3779B97F4A7C15UL), null, out _);
}

public sealed record FuzzStatistics(long Inputs, TimeSpan Elapsed)
{
    public override string ToString() => $"{Inputs} inputs in {Elapsed.TotalSeconds:0.0} s";
}

public sealed class FuzzFailureException(string message, Exception inner) : Exception(message, inner);
