using GroupNetDsl.TestSupport.SafeTensors;

namespace GroupNetDsl.Generator.Tests.Networks;

/// <summary>Random weights, remembered as the file stores them (after rounding to its dtype) for the reference to use.</summary>
public sealed class WeightSet(Random random, WeightDataType dataType)
{
    private readonly Dictionary<string, float[]> _values = new(StringComparer.Ordinal);

    public SafeTensorsWriter File { get; } = new();

    public float[] this[string key] => _values[key];

    public IEnumerable<string> Keys => _values.Keys;

    /// <summary>Uniform values in [low, high).</summary>
    public void Uniform(string key, int[] shape, double low, double high)
    {
        int count = shape.Aggregate(1, (a, b) => a * b);
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(low + (high - low) * random.NextDouble());
        _values[key] = File.AddRounded(key, shape, values, dataType);
    }

    /// <summary>A batchnorm's five state_dict entries, with statistics far from the identity so that folding matters.</summary>
    public void BatchNorm(string path, int channels)
    {
        Uniform(path + ".weight", [channels], 0.5, 1.5);
        Uniform(path + ".bias", [channels], -0.5, 0.5);
        Uniform(path + ".running_mean", [channels], -0.5, 0.5);
        Uniform(path + ".running_var", [channels], 0.25, 2.0);
        File.AddInt64Scalar(path + ".num_batches_tracked", 1000);
    }
}
