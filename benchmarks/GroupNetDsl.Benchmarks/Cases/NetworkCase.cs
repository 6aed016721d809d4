namespace GroupNetDsl.Benchmarks.Cases;

/// <summary>Runs a generated network on <c>batchSize</c> NCHW images laid out one after another.</summary>
public delegate void BatchForward(ReadOnlySpan<float> input, Span<float> output, int batchSize);

/// <summary>Which table a case belongs to.</summary>
public enum CaseSuite
{
    /// <summary>The seed notebook's networks, also run by the naive reference.</summary>
    SeedNetwork,

    /// <summary>A single convolution of the layer suite.</summary>
    Layer,

    /// <summary>A torchvision network of the model zoo at 3x224x224 (files in artifacts/zoo/).</summary>
    Torchvision,
}

/// <summary>
/// One benchmarked network: its generated class (through <see cref="Load"/> and its constants), and the weight and
/// ONNX files exported from the same PyTorch module.
/// </summary>
/// <param name="Name">The network's name in the .gnet file (the generated class's name).</param>
/// <param name="Suite">The table it is reported in.</param>
/// <param name="Description">What it is, for the report.</param>
/// <param name="InputChannels">The generated class's InputChannels.</param>
/// <param name="InputHeight">The generated class's InputHeight.</param>
/// <param name="InputWidth">The generated class's InputWidth.</param>
/// <param name="OutputLength">The generated class's OutputLength.</param>
/// <param name="MultiplyAccumulates">The generated class's MultiplyAccumulates (one image).</param>
/// <param name="WeightsFile">The .safetensors file, relative to the data folder.</param>
/// <param name="OnnxFile">The .onnx file, relative to the data folder.</param>
/// <param name="GeneratedClass">The generated class.</param>
public sealed record NetworkCase(
    string Name,
    CaseSuite Suite,
    string Description,
    int InputChannels,
    int InputHeight,
    int InputWidth,
    int OutputLength,
    long MultiplyAccumulates,
    string WeightsFile,
    string OnnxFile,
    Type GeneratedClass)
{
    /// <summary>Floats in one input image.</summary>
    public int InputLength => InputChannels * InputHeight * InputWidth;

    /// <summary>The weight file's full path.</summary>
    public string WeightsPath => DataFiles.PathOf(WeightsFile);

    /// <summary>Loads the generated network with the case's weights and returns its batch Forward.</summary>
    /// <param name="threads">Threads to give it, where the generated classes take a thread count (<see cref="Engines.GeneratedThreads"/>).</param>
    public BatchForward Load(int threads) => Engines.GeneratedThreads.Load(GeneratedClass, WeightsPath, threads);

    /// <summary>The ONNX file's full path.</summary>
    public string OnnxPath => DataFiles.PathOf(OnnxFile);
}
