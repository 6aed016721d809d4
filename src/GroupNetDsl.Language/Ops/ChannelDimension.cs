using GroupNetDsl.Language.Diagnostics;

namespace GroupNetDsl.Language.Ops;

/// <summary>
/// The <c>dim</c> argument of cat, chunk and split, accepted so that PyTorch's calls can be copied as they are: these
/// ops work along the channels only, so it must be 1 (or -3, the same dimension of an NCHW tensor counted from the end).
/// </summary>
internal static class ChannelDimension
{
    public static readonly OpParameter Parameter = OpParameter.Integer("dim", 1, minimum: -OpParameter.MaximumInteger);

    /// <summary>Reports a <c>dim</c> other than the channels'.</summary>
    public static void Check(OpSite site)
    {
        int dim = site.Int("dim");
        if (site.Ok && dim is not (1 or -3))
        {
            site.Report(DiagnosticDescriptors.InvalidValue, site.LocationOf("dim"), site.DisplayName, "dim", "1 (the channels; -3 is the same dimension), the only one it works along", dim);
        }
    }
}
