using GroupNetDsl;

namespace GroupNetDsl.PyTorchParity.Tests;

/// <summary>MiniGroupNet(groups=8) in the attribute form.</summary>
[GroupNet(Input = "3x64x64")]
[Conv2d(3, 64, 3, Padding = 1, Bias = false, Name = "stem.0")]
[BatchNorm2d(Name = "stem.1")]
[ReLU(Name = "stem.2")]
[GroupedBottleneck(64, 128, Groups = 8, Stride = 2, Name = "stage1")]
[GroupedBottleneck(128, 256, Groups = 8, Stride = 2, Name = "stage2")]
[GlobalAvgPool(Name = "pool")]
[Flatten(Name = "flatten")]
[Linear(256, 10, Name = "fc")]
public partial class MiniGroupNetAttributes;

/// <summary>MiniGroupNet in the .gnet form (samples/MiniGroupNet/MiniGroupNet.gnet), bound by name.</summary>
[GroupNet(Network = "MiniGroupNet")]
public partial class MiniGroupNetFromFile;
