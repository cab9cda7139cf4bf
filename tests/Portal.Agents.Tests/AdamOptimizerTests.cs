using Portal.Agents.Common;
using TorchSharp;
using static TorchSharp.torch;

namespace Portal.Agents.Tests;

/// <summary>The agents' Adam performs the library's update bit for bit: two copies of one network, one stepped by
/// TorchSharp's <c>optim.Adam</c> and one by <see cref="AdamOptimizer"/>, on the same losses, hold identical weights.</summary>
[Collection(TorchCollection.Name)]
public sealed class AdamOptimizerTests
{
    [Theory]
    [InlineData(0.01, 1e-8, 0.0)]
    [InlineData(3e-4, 1e-5, 0.0)]
    [InlineData(1e-3, 1e-8, 0.01)]
    public void Steps_match_the_library_adam_bit_for_bit(double lr, double eps, double weightDecay)
    {
        torch.set_num_threads(1);
        torch.manual_seed(7);
        using var scope = torch.NewDisposeScope();
        var x = torch.randn(64, 5);
        var y = torch.randn(64, 1);
        var reference = nn.Sequential(nn.Linear(5, 16), nn.Tanh(), nn.Linear(16, 1));
        var candidate = nn.Sequential(nn.Linear(5, 16), nn.Tanh(), nn.Linear(16, 1));
        candidate.load_state_dict(reference.state_dict());
        var library = optim.Adam(reference.parameters(), lr: lr, eps: eps, weight_decay: weightDecay);
        var ours = new AdamOptimizer(candidate.parameters(), lr, eps: eps, weightDecay: weightDecay);

        for (int i = 0; i < 25; i++)
        {
            using var step = torch.NewDisposeScope();
            foreach (var (model, optimizer) in new (nn.Module<Tensor, Tensor>, optim.Optimizer)[] { (reference, library), (candidate, ours) })
            {
                optimizer.zero_grad();
                nn.functional.mse_loss(model.forward(x), y).backward();
                optimizer.step();
            }
        }

        var expected = reference.parameters().Select(p => p.data<float>().ToArray()).ToList();
        var actual = candidate.parameters().Select(p => p.data<float>().ToArray()).ToList();
        Assert.Equal(expected.Count, actual.Count);
        for (int k = 0; k < expected.Count; k++)
        {
            Assert.Equal(expected[k], actual[k]);
        }

        // The weights moved: equality is not the trivial one of two untouched copies.
        var initial = nn.Sequential(nn.Linear(5, 16), nn.Tanh(), nn.Linear(16, 1));
        Assert.NotEqual(expected[0], initial.parameters().First().data<float>().ToArray());
    }
}
