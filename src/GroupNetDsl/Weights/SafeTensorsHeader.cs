using System.Collections.Generic;

namespace GroupNetDsl.Weights;

/// <summary>What the JSON header declares: the tensors in header order, and the free-form metadata.</summary>
internal sealed record SafeTensorsHeader(IReadOnlyList<SafeTensorInfo> Tensors, IReadOnlyDictionary<string, string> Metadata);
