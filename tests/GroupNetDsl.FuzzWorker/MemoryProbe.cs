using System.Globalization;
using System.Text;
using GroupNetDsl.Weights;

namespace GroupNetDsl.FuzzWorker;

/// <summary>
/// The two commands behind the memory measurement of docs/reliability.md: write a weight file whose header is
/// 100 MB of the smallest valid entries (the most objects a header of that size can ask for), and open a file the way
/// a generated network's <c>Load(path)</c> does, so <c>/usr/bin/time -v</c> can report the peak memory of each.
/// </summary>
public static class MemoryProbe
{
    /// <summary>Writes the file: one-byte U8 scalars named 0, 1, ... in base 62, up to the reader's header cap.</summary>
    public static void WriteAdversarialHeader(string path)
    {
        const string alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        var header = new StringBuilder("{");
        int count = 0;
        while (true)
        {
            var name = new StringBuilder();
            for (int i = count; ; i /= 62)
            {
                name.Insert(0, alphabet[i % 62]);
                if (i < 62) break;
            }
            string entry = string.Create(CultureInfo.InvariantCulture, $"\"{name}\":{{\"dtype\":\"U8\",\"shape\":[],\"data_offsets\":[{count},{count + 1}]}}");
            if (header.Length + entry.Length + 2 > SafeTensorsFile.MaximumHeaderLength - 8) break;
            if (count > 0) header.Append(',');
            header.Append(entry);
            count++;
        }
        header.Append('}');
        while (header.Length % 8 != 0) header.Append(' ');
        using var file = File.Create(path);
        file.Write(BitConverter.GetBytes((ulong)header.Length));
        file.Write(Encoding.ASCII.GetBytes(header.ToString()));
        file.Write(new byte[count]);
        Console.WriteLine($"{path}: a header of {header.Length} bytes, {count} tensors");
    }

    /// <summary>Opens the file as a network's Load(path) does (<see cref="WeightLoader.Open"/>).</summary>
    public static void Open(string path)
    {
        var loader = WeightLoader.Open(path);
        Console.WriteLine($"{path}: opened, {loader.WeightFile.Tensors.Count} tensors");
    }
}
