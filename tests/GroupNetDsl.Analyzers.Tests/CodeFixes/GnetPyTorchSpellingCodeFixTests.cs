using GroupNetDsl.Analyzers.Tests.Infrastructure;
using GroupNetDsl.CodeFixes;

namespace GroupNetDsl.Analyzers.Tests.CodeFixes;

/// <summary>
/// GNET0112's fix on a .gnet file: each PyTorch spelling becomes the .gnet one, and the fixed file, analyzed again,
/// has one GNET0112 fewer (and, once all are fixed, none).
/// </summary>
public class GnetPyTorchSpellingCodeFixTests
{
    private static readonly GnetPyTorchSpellingCodeFixProvider Provider = new();

    /// <summary>Applies the first GNET0112's fix until none is left; returns the text and the titles offered.</summary>
    private static async Task<(string Text, List<string> Titles)> FixAllOneByOneAsync(string gnet)
    {
        var titles = new List<string>();
        string text = gnet;
        for (int round = 0; round < 20; round++)
        {
            var fix = await GnetCodeFixRunner.OfferAsync(Provider, text, "GNET0112");
            if (fix.Actions.IsEmpty) break;
            var action = Assert.Single(fix.Actions);
            titles.Add(action.Title);
            Assert.Equal(GnetPyTorchSpellingCodeFixProvider.Key, action.EquivalenceKey);
            text = await GnetCodeFixRunner.ApplyAsync(fix.Document, action);
        }
        return (text, titles);
    }

    [Fact]
    public async Task A_module_pasted_from_PyTorch_becomes_dotgnet_that_compiles()
    {
        var (text, titles) = await FixAllOneByOneAsync("""
            network N(input: 3x8x8) {
                self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, padding: 1), nn.BatchNorm2d(8), nn.ReLU6())
                pool = nn.AdaptiveAvgPool2d(1)
                fc = nn.Linear(16, 4)
                forward(x) {
                    y = torch.cat([self.stem(x), F.relu(self.stem(x))], dim: 1)
                    return fc(torch.flatten(pool(y)))
                }
            }
            """);

        Assert.Equal("""
            network N(input: 3x8x8) {
                stem = [conv(3, 8, 3, padding: 1), batchnorm(8), relu6()]
                pool = avgpool
                fc = linear(16, 4)
                forward(x) {
                    y = cat(stem(x), relu(stem(x)), dim: 1)
                    return fc(flatten(pool(y)))
                }
            }
            """, text);
        Assert.Equal(["Write 'stem'", "Write as a list", "Write 'conv'", "Write 'batchnorm'", "Write 'relu6'", "Write 'avgpool'", "Write 'linear'", "Write 'cat(...)'", "Write 'stem'", "Write 'relu'", "Write 'stem'", "Write 'flatten(...)'"], titles);
        var after = await GnetCodeFixRunner.DiagnosticsAsync(GnetCodeFixRunner.CreateDocument(text).Project);
        Assert.Empty(after);
    }

    [Fact]
    public async Task Functions_of_a_tensor_keep_the_tensor()
    {
        var (text, _) = await FixAllOneByOneAsync("""
            network G(input: 3x8x8) {
                c = conv(3, 8, 3, padding: 1)
                fc = linear(8, 4)
                forward(x) = fc(torch.flatten(F.adaptive_avg_pool2d(F.max_pool2d(F.relu(c(x)), 2), 1), 1))
            }
            """);

        Assert.Equal("""
            network G(input: 3x8x8) {
                c = conv(3, 8, 3, padding: 1)
                fc = linear(8, 4)
                forward(x) = fc(flatten(avgpool(maxpool(relu(c(x)), 2))))
            }
            """, text);
        Assert.Empty(await GnetCodeFixRunner.DiagnosticsAsync(GnetCodeFixRunner.CreateDocument(text).Project));
    }

    [Fact]
    public async Task What_has_no_dotgnet_spelling_gets_no_fix()
    {
        var fix = await GnetCodeFixRunner.OfferAsync(Provider, """
            network N(input: 3x8x8) {
                c = nn.Foo(3)
                def forward(self, x):
                    return c(x)
            }
            """, "GNET0112");

        Assert.Equal(2, fix.Diagnostics.Count(d => d.Id == "GNET0112"));
        Assert.Empty(fix.Actions);
        var def = await GnetCodeFixRunner.OfferAsync(Provider, "network N(input: 3x8x8) {\n    def forward(self, x):\n        return x\n}\n", "GNET0112");
        Assert.Empty(def.Actions);
    }
}
