using System.Collections.Generic;

namespace GroupNetDsl.Weights;

/// <summary>
/// What the JSON header declares: the tensors in header order, the same tensors by name (built while reading, which
/// is also how duplicate keys are found), and the free-form metadata.
/// </summary>
internal sealed record SafeTensorsHeader(
    List<SafeTensorInfo> Tensors, Dictionary<string, SafeTensorInfo> TensorsByName, Dictionary<string, string> Metadata);
