namespace GroupNetDsl.PyTorchParity.Tests;

/// <summary>MiniGroupNet in the .gnet form (samples/MiniGroupNet/MiniGroupNet.gnet), bound by name.</summary>
[GroupNet(Network = "MiniGroupNet")]
public partial class MiniGroupNetFromFile;
