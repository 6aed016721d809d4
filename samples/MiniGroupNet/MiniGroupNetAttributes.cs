using GroupNetDsl;

namespace MiniGroupNetSample;

/// <summary>The seed notebook's MiniGroupNet(groups=8), declared with attributes. Names are the state_dict's.</summary>
[GroupNet(Input = "3x64x64")]
[Conv2d(3, 64, 3, Padding = 1, Bias = false, Name = "stem.0")]
[BatchNorm2d(Name = "stem.1")]
[ReLU(Name = "stem.2")]
[GroupedBottleneck(64, 128, Groups = 8, Stride = 2, Name = "stage1")]
[GroupedBottleneck(128, 256, Groups = 8, Stride = 2, Name = "stage2")]
[GlobalAvgPool(Name = "pool")]
[Flatten(Name = "flatten")]
[Linear(256, 10, Name = "fc")]
public partial class MiniGroupNet;
