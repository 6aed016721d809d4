namespace GroupNetDsl.FuzzWorker;

/// <summary>
/// Proves the parent's watch: every odd case ends the process (<see cref="Environment.FailFast(string)"/>, as an access
/// violation or a stack overflow would) or spins forever, and the parent must report exactly those cases.
/// </summary>
public sealed class SelfTest(bool hang) : IFuzzTarget
{
    public void WarmUp()
    {
    }

    public void Run(ulong seed, long first, int count, Reporter reporter)
    {
        for (long index = first; index < first + count; index++)
        {
            reporter.Begin(index, "self-test");
            reporter.Count("inputs");
            if (index % 2 == 1)
            {
                while (hang) Thread.SpinWait(1000);
                Environment.FailFast($"Self-test crash at case {index}.");
            }
        }
        reporter.End();
    }
}
