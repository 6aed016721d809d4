namespace GroupNetDsl.FuzzWorker;

/// <summary>What the worker runs on each case of a run.</summary>
public interface IFuzzTarget
{
    /// <summary>Compiles and runs once before the first case, so the JIT's start-up cost counts against no input.</summary>
    void WarmUp();

    /// <summary>Runs cases <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> - 1 of <paramref name="seed"/>.</summary>
    void Run(ulong seed, long first, int count, Reporter reporter);
}
