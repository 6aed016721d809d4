using System.Diagnostics;
using GroupNetDsl.Generator.Tests.Harness;
using GroupNetDsl.Generator.Tests.Networks;
using GroupNetDsl.TestSupport.SafeTensors;
using Microsoft.CodeAnalysis;

namespace GroupNetDsl.Generator.Tests;

/// <summary>The seed SeparableBlock (.gnet), generated, compiled and loaded once for the class, with random weights.</summary>
public sealed class SeparableBlockFixture : SeedNetworkFixture
{
    public const string ClassName = "MiniGroupNetSample.SeparableBlock";

    public SeparableBlockFixture() : base(ClassName) => Weights = RandomWeights(new Random(5));

    public byte[] Weights { get; }

    /// <summary>The state_dict of DepthwiseSeparableConv(32, 64): dw, pw and bn, as the seed's PyTorch block names them.</summary>
    public static byte[] RandomWeights(Random random)
    {
        var weights = new WeightSet(random, WeightDataType.F32);
        weights.Uniform("dw.weight", [32, 1, 3, 3], -1 / 3.0, 1 / 3.0);
        weights.Uniform("pw.weight", [64, 32, 1, 1], -1 / Math.Sqrt(32), 1 / Math.Sqrt(32));
        weights.BatchNorm("bn", 64);
        return weights.File.ToBytes();
    }
}

/// <summary>Tests that count the process's threads or start processes, alone so that no other test adds threads meanwhile.</summary>
[CollectionDefinition(nameof(DisposalCollection), DisableParallelization = true)]
public sealed class DisposalCollection;

/// <summary>
/// Proves that a network owns its threads: Dispose stops them (100 load/dispose cycles leave no thread behind), a
/// disposed network refuses every Forward, Dispose during a Forward on another thread lets that call finish, and a
/// process whose network has threads exits when Main returns, disposed or not.
/// </summary>
[Collection(nameof(DisposalCollection))]
public sealed class DisposalTests(SeparableBlockFixture fixture) : IClassFixture<SeparableBlockFixture>
{
    private const int InputLength = 32 * 64 * 64;
    private const int OutputLength = 64 * 64 * 64;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Every_Forward_overload_throws_ObjectDisposedException_after_Dispose(int threads)
    {
        var network = fixture.Handle.Load(fixture.Weights, threads);
        var input = SeparableInput(1);
        var output = new float[OutputLength];
        network.Forward(input, output);

        network.Dispose();
        network.Dispose();   // twice is harmless

        Assert.Throws<ObjectDisposedException>(() => network.Forward(input, output));
        Assert.Throws<ObjectDisposedException>(() => network.ForwardBatch(input, 1));
        Assert.Throws<ObjectDisposedException>(() => network.ForwardWithScratch(input, output, new float[fixture.Handle.ScratchLength]));
    }

    [Fact]
    public void Dispose_while_another_thread_runs_Forward_lets_its_calls_finish_with_their_results()
    {
        var inputs = new[] { SeparableInput(2), SeparableInput(3) };
        var batchInput = inputs[0].Concat(inputs[1]).ToArray();
        float[][] expected;
        using (var alone = fixture.Handle.Load(fixture.Weights)) expected = inputs.Select(alone.Forward).ToArray();
        var network = fixture.Handle.Load(fixture.Weights, threads: 2);

        int calls = 0;
        Exception? ended = null;
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var caller = new Thread(() =>
        {
            try
            {
                var output = new float[OutputLength];
                for (int call = 0; ; call++)
                {
                    network.Forward(inputs[call % 2], output);
                    if (!output.AsSpan().SequenceEqual(expected[call % 2])) failures.Add($"call {call}: one image differs");
                    var batch = network.ForwardBatch(batchInput, 2);
                    if (!batch.AsSpan(0, OutputLength).SequenceEqual(expected[0]) || !batch.AsSpan(OutputLength).SequenceEqual(expected[1])) failures.Add($"call {call}: the batch differs");
                    Interlocked.Increment(ref calls);
                }
            }
            catch (Exception e)
            {
                ended = e;
            }
        });
        caller.Start();
        var clock = Stopwatch.StartNew();
        while (Volatile.Read(ref calls) < 5 && clock.Elapsed < TimeSpan.FromSeconds(30)) Thread.Sleep(1);

        network.Dispose();

        Assert.True(caller.Join(TimeSpan.FromSeconds(30)), "Forward did not return after Dispose.");
        Assert.True(failures.IsEmpty, string.Join("\n", failures));
        Assert.IsType<ObjectDisposedException>(ended);
        Assert.True(calls >= 5, $"Only {calls} calls ran before Dispose.");
    }

    [Fact]
    public void Hundred_Load_Dispose_cycles_leave_no_thread_behind()
    {
        var input = SeparableInput(4);
        var output = new float[OutputLength];
        using (var warmUp = fixture.Handle.Load(fixture.Weights, threads: 2)) warmUp.Forward(input, output);
        int before = ProcessThreads();

        for (int cycle = 0; cycle < 100; cycle++)
        {
            var network = fixture.Handle.Load(fixture.Weights, threads: 2);
            network.Forward(input, output);   // the worker runs its part
            network.Dispose();
        }

        // Each cycle starts one worker: 100 more threads if Dispose stopped none. The margin is for the runtime's own
        // threads (thread pool, finalizer, tiered compilation), which come and go on their own.
        int after = ProcessThreads();
        Assert.True(after - before <= 10, $"{after - before} more threads after 100 load/dispose cycles ({before} before, {after} after).");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_process_whose_network_has_two_threads_exits_when_main_returns(bool dispose)
    {
        string directory = Directory.CreateTempSubdirectory("groupnetdsl-exit-").FullName;
        try
        {
            string program = WriteChildProgram(directory);
            File.WriteAllBytes(Path.Combine(directory, "block.safetensors"), fixture.Weights);
            var start = new ProcessStartInfo(DotnetHost(), [program, "block.safetensors", dispose ? "dispose" : "keep"])
            {
                WorkingDirectory = directory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            // A worker thread that kept the process alive would make it run until killed here.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                Assert.Fail($"The process did not exit within 20 s after Main (dispose: {dispose}):\n{await output}\n{await error}");
            }
            Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{await output}\n{await error}");
            Assert.Equal($"ran on 2 threads, disposed: {dispose}", (await output).Trim());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// Compiles a console program around the generated SeparableBlock into <paramref name="directory"/>, with the
    /// runtime library beside it and a runtimeconfig for the runtime this test runs on; returns the program's path.
    /// </summary>
    private static string WriteChildProgram(string directory)
    {
        const string programText = """
            public static class Program
            {
                public static int Main(string[] args)
                {
                    var network = global::MiniGroupNetSample.SeparableBlock.Load(args[0], threads: 2);
                    var output = new float[global::MiniGroupNetSample.SeparableBlock.OutputLength];
                    network.Forward(new float[global::MiniGroupNetSample.SeparableBlock.InputLength], output);
                    network.Forward(new float[2 * global::MiniGroupNetSample.SeparableBlock.InputLength], new float[2 * output.Length], 2);
                    bool dispose = args[1] == "dispose";
                    if (dispose) network.Dispose();
                    global::System.Console.WriteLine($"ran on {network.Threads} threads, disposed: {dispose}");
                    return 0;
                }
            }
            """;
        var run = GeneratorHarness.Create()
            .WithRootNamespace(SeedNetworks.RootNamespace)
            .WithGnet("SeparableBlock.gnet", SeedNetworks.SeparableBlockGnet)
            .WithSource("Program.cs", programText)
            .Run();
        run.AssertCompilesCleanly();
        var compilation = run.Output.WithOptions(run.Output.Options.WithOutputKind(OutputKind.ConsoleApplication)).WithAssemblyName("ExitTest");
        string path = Path.Combine(directory, "ExitTest.dll");
        var emitted = compilation.Emit(path);
        Assert.True(emitted.Success, run.Describe(emitted.Diagnostics));
        string runtime = typeof(GroupNetDsl.Weights.SafeTensorsFile).Assembly.Location;
        File.Copy(runtime, Path.Combine(directory, Path.GetFileName(runtime)));
        File.WriteAllText(Path.Combine(directory, "ExitTest.runtimeconfig.json"), $$"""
            { "runtimeOptions": { "tfm": "net10.0", "framework": { "name": "Microsoft.NETCore.App", "version": "{{Environment.Version}}" } } }
            """);
        return path;
    }

    /// <summary>The dotnet host of the runtime this test runs on: DOTNET_ROOT/shared/Microsoft.NETCore.App/version/ is that runtime.</summary>
    private static string DotnetHost()
    {
        var runtime = new DirectoryInfo(Path.GetDirectoryName(typeof(object).Assembly.Location)!);
        string host = Path.Combine(runtime.Parent!.Parent!.Parent!.FullName, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        Assert.True(File.Exists(host), $"No dotnet host at {host}.");
        return host;
    }

    private static int ProcessThreads()
    {
        using var process = Process.GetCurrentProcess();
        return process.Threads.Count;
    }

    private static float[] SeparableInput(int seed)
    {
        var random = new Random(seed);
        var input = new float[InputLength];
        for (int i = 0; i < input.Length; i++) input[i] = (float)(random.NextDouble() * 2 - 1);
        return input;
    }
}
