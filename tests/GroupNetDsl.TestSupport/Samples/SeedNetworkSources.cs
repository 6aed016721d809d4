namespace GroupNetDsl.TestSupport.Samples;

/// <summary>
/// The seed notebook's networks as the samples declare them (samples/MiniGroupNet), read from the sample's files so
/// that the tests check what a user sees and no test keeps its own copy.
/// </summary>
public static class SeedNetworkSources
{
    /// <summary>samples/MiniGroupNet/MiniGroupNetAttributes.cs: MiniGroupNet(groups=8) in the attribute form, the whole file.</summary>
    public static string MiniGroupNetAttributesFile => RepositoryFiles.Read("samples/MiniGroupNet/MiniGroupNetAttributes.cs");

    /// <summary>
    /// The attribute block and class declaration of <see cref="MiniGroupNetAttributesFile"/>, from <c>[GroupNet</c>
    /// to <c>public partial class MiniGroupNet;</c>, without usings or namespace.
    /// </summary>
    public static string MiniGroupNetDeclaration
    {
        get
        {
            string file = MiniGroupNetAttributesFile.Replace("\r\n", "\n", StringComparison.Ordinal);
            int start = file.IndexOf("[GroupNet(", StringComparison.Ordinal);
            const string declaration = "public partial class MiniGroupNet;";
            int end = file.IndexOf(declaration, start, StringComparison.Ordinal) + declaration.Length;
            return file[start..end] + "\n";
        }
    }

    /// <summary>samples/MiniGroupNet/MiniGroupNet.gnet: the same network in the .gnet form.</summary>
    public static string MiniGroupNetGnet => RepositoryFiles.Read("samples/MiniGroupNet/MiniGroupNet.gnet");

    /// <summary>samples/MiniGroupNet/SeparableBlock.gnet: DepthwiseSeparableConv(32, 64) on 32x64x64.</summary>
    public static string SeparableBlockGnet => RepositoryFiles.Read("samples/MiniGroupNet/SeparableBlock.gnet");
}
