using GroupNetDsl.Generator.Tests.Harness;
using GroupNetDsl.TestSupport.SafeTensors;

namespace GroupNetDsl.Generator.Tests;

/// <summary>
/// A member that forward never calls (GNET0403, information) is still a submodule in PyTorch, so its weights are in
/// the state_dict: Load accepts them, as gnet verify does (the fuzz suite found Load rejecting what verify accepted).
/// </summary>
public sealed class UnusedMemberTests
{
    [Fact]
    public void Load_accepts_the_weights_of_a_member_forward_never_calls_and_still_rejects_others()
    {
        var run = GeneratorHarness.Create()
            .WithRootNamespace("Unused")
            .WithGnet("/p/Net.gnet", "network Net(input: 2x1x1) {\n    a = conv(2, 1, 1, bias: false)\n    spare = linear(5, 2)\n    forward(x) = a(x)\n}\n")
            .WithAdapterFor("Unused.Net")
            .Run();
        run.AssertCompilesCleanly();
        using var assembly = run.Load();
        var net = assembly.Network("Unused.Net");

        var file = new SafeTensorsWriter()
            .AddFloat32("a.weight", [1, 2, 1, 1], 3f, -2f)
            .AddFloat32("spare.weight", [2, 5], new float[10])
            .AddFloat32("spare.bias", [2], 0f, 0f);
        var network = net.Load(file.ToBytes());

        // 3 x 1.5 - 2 x 0.25 = 4.
        Assert.Equal([4f], network.Forward([1.5f, 0.25f]));
        var other = file.AddFloat32("other.weight", [1], 0f);
        var error = Assert.ThrowsAny<Exception>(() => net.Load(other.ToBytes()));
        Assert.Contains("'other.weight'", (error.InnerException ?? error).Message, StringComparison.Ordinal);
    }
}
