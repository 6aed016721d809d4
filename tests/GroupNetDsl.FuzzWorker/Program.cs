using System.Globalization;
using GroupNetDsl.FuzzWorker;
using GroupNetDsl.TestSupport.Fuzzing;

// The fuzz worker: `GroupNetDsl.FuzzWorker MODE`, MODE one of gnet, weights, crash, hang. It warms up, writes `ready`,
// then runs each `run SEED FIRST COUNT` line of its standard input and answers in the lines of WorkerLines.
// `adversarial-header PATH` and `open PATH` are the memory measurement's two steps (MemoryProbe).
switch (args)
{
    case ["adversarial-header", var path]:
        MemoryProbe.WriteAdversarialHeader(path);
        return;
    case ["open", var path]:
        MemoryProbe.Open(path);
        return;
}

IFuzzTarget target = args.FirstOrDefault() switch
{
    "gnet" => new FullChain(),
    "weights" => new WeightFileLoads(),
    "crash" => new SelfTest(hang: false),
    "hang" => new SelfTest(hang: true),
    _ => throw new ArgumentException("Usage: GroupNetDsl.FuzzWorker gnet|weights|crash|hang"),
};
var output = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true, NewLine = "\n" };

// The compiler's own threads have 1 MB stacks; the deepest legal input must fit one (docs/language.md, Limits).
var thread = new Thread(Serve, maxStackSize: 1 << 20);
thread.Start();
thread.Join();

void Serve()
{
    target.WarmUp();
    output.WriteLine(WorkerLines.Ready);
    var reporter = new Reporter(output);
    while (Console.In.ReadLine() is { } line)
    {
        var parts = line.Split(' ');
        if (parts.Length != 4 || parts[0] != "run") throw new FormatException($"Not a command: {line}");
        target.Run(
            ulong.Parse(parts[1], CultureInfo.InvariantCulture),
            long.Parse(parts[2], CultureInfo.InvariantCulture),
            int.Parse(parts[3], CultureInfo.InvariantCulture),
            reporter);
    }
}
