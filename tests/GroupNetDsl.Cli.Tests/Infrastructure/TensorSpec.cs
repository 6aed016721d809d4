using GroupNetDsl.TestSupport.SafeTensors;

namespace GroupNetDsl.Cli.Tests.Infrastructure;

/// <summary>One tensor to write: its key, safetensors dtype string and shape. Its data is all zeros.</summary>
public sealed record TensorSpec(string Name, string DataType, long[] Shape)
{
    /// <summary>A file of zero tensors, since verify and inspect look only at names, dtypes and shapes.</summary>
    public static void Write(string path, IEnumerable<TensorSpec> tensors)
    {
        var writer = new SafeTensorsWriter();
        foreach (var tensor in tensors) writer.AddZeros(tensor.Name, tensor.DataType, tensor.Shape);
        writer.WriteTo(path);
    }

    /// <summary>A .gnet file's text as UTF-8: not a safetensors file.</summary>
    public static byte[] NotSafeTensors => "network Oops(input: 3x8x8) {}\n"u8.ToArray();
}
