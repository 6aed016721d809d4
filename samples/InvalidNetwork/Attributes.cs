using GroupNetDsl;

namespace InvalidNetworkSample;

/// <summary>Deliberately invalid: the second convolution expects 32 input channels, but the first makes 16.</summary>
[GroupNet(Input = "3x32x32")]
[Conv2d(3, 16, 3, Padding = 1, Name = "stem")]
[ReLU(Name = "act")]
[Conv2d(32, 32, 3, Padding = 1, Name = "features")]
[GlobalAvgPool(Name = "pool")]
[Flatten(Name = "flatten")]
[Linear(32, 10, Name = "fc")]
public partial class TinyClassifier;

/// <summary>
/// Valid, with advice: two grouped convolutions in a row never exchange information between groups
/// (GNET0402). The .editorconfig beside this file turns that advice off for C# files.
/// </summary>
[GroupNet(Input = "16x32x32")]
[Conv2d(16, 16, 3, Padding = 1, Groups = 4, Name = "a")]
[Conv2d(16, 16, 3, Padding = 1, Groups = 4, Name = "b")]
public partial class GroupedPair;
