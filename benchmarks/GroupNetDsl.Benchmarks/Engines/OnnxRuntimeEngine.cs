using Microsoft.ML.OnnxRuntime;

namespace GroupNetDsl.Benchmarks.Engines;

/// <summary>
/// ONNX Runtime on the CPU with the given intra-op threads and every graph optimization, its input and output bound
/// once to pinned managed arrays through <see cref="OrtIoBinding"/>, so a run allocates (almost) nothing.
/// </summary>
public sealed class OnnxRuntimeEngine : IDisposable
{
    private readonly SessionOptions _options;
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions;
    private readonly OrtValue _input;
    private readonly OrtValue _output;
    private readonly OrtIoBinding _binding;

    /// <param name="onnxPath">The model; its input is <c>input</c> and its output <c>output</c>, batch axis dynamic.</param>
    /// <param name="threads">IntraOpNumThreads.</param>
    /// <param name="inputShape">The input's shape with the batch first.</param>
    /// <param name="input">The input values (NCHW), bound in place.</param>
    /// <param name="output">Receives the output, bound in place; its length must match the model's output.</param>
    /// <param name="profilePrefix">With a value, ONNX Runtime's profiler is on and writes its JSON there (<see cref="EndProfiling"/>).</param>
    public OnnxRuntimeEngine(string onnxPath, int threads, long[] inputShape, float[] input, float[] output, string? profilePrefix = null)
    {
        _options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        if (profilePrefix is not null)
        {
            _options.EnableProfiling = true;
            _options.ProfileOutputPathPrefix = profilePrefix;
        }
        _session = new InferenceSession(onnxPath, _options);
        _runOptions = new RunOptions();

        long batch = inputShape[0];
        long[] outputShape = _session.OutputMetadata["output"].Dimensions.Select(d => d < 0 ? batch : (long)d).ToArray();
        long outputLength = outputShape.Aggregate(1L, (a, b) => a * b);
        if (outputLength != output.Length)
        {
            throw new ArgumentException($"{Path.GetFileName(onnxPath)}: output [{string.Join(", ", outputShape)}] has {outputLength} values, the buffer {output.Length}.", nameof(output));
        }

        _input = OrtValue.CreateTensorValueFromMemory(input, inputShape);
        _output = OrtValue.CreateTensorValueFromMemory(output, outputShape);
        _binding = _session.CreateIoBinding();
        _binding.BindInput("input", _input);
        _binding.BindOutput("output", _output);
    }

    /// <summary>The ONNX Runtime native library's version.</summary>
    public static string Version => OrtEnv.Instance().GetVersionString();

    /// <summary>One inference over the bound input into the bound output.</summary>
    public void Run() => _session.RunWithBinding(_runOptions, _binding);

    /// <summary>Stops the profiler; returns the path of the JSON it wrote.</summary>
    public string EndProfiling() => _session.EndProfiling();

    /// <inheritdoc />
    public void Dispose()
    {
        _binding.Dispose();
        _output.Dispose();
        _input.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
        _options.Dispose();
    }
}
