using TorchSharp;
using static TorchSharp.torch;

namespace Portal.Agents.Tests;

/// <summary>
/// The native TorchSharp stack loads from the test output and trains. On Debian 12 this only works once the
/// build has weakened libLibTorchSharp.so's GLIBCXX_3.4.32 requirement (build/TorchSharp.NativeCompat.targets).
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class TorchSharpRuntimeTests
{
    [Fact]
    public void Small_mlp_fits_sine_and_loss_drops_by_a_large_factor()
    {
        torch.set_num_threads(1);
        torch.manual_seed(1234);
        using var scope = torch.NewDisposeScope();
        var x = torch.linspace(-Math.PI, Math.PI, 128).unsqueeze(1);
        var y = torch.sin(x);
        var model = nn.Sequential(
            nn.Linear(1, 32), nn.Tanh(),
            nn.Linear(32, 32), nn.Tanh(),
            nn.Linear(32, 1));
        var optimizer = optim.Adam(model.parameters(), lr: 0.01);

        double initial = nn.functional.mse_loss(model.forward(x), y).item<float>();
        double final = initial;
        for (int i = 0; i < 400; i++)
        {
            using var step = torch.NewDisposeScope();
            optimizer.zero_grad();
            var loss = nn.functional.mse_loss(model.forward(x), y);
            loss.backward();
            optimizer.step();
            final = loss.item<float>();
        }

        Assert.True(initial > 0.05, $"initial loss {initial} should be that of an untrained net");
        Assert.True(final < initial / 50, $"loss went from {initial} to {final}; expected a drop by a factor of 50");
    }

    [Fact]
    public void Xor_is_learned_exactly_by_a_two_layer_net()
    {
        torch.set_num_threads(1);
        torch.manual_seed(7);
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new float[] { 0, 0, 0, 1, 1, 0, 1, 1 }, 4, 2);
        var y = torch.tensor(new float[] { 0, 1, 1, 0 }, 4, 1);
        var model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1));
        var optimizer = optim.Adam(model.parameters(), lr: 0.05);
        for (int i = 0; i < 500; i++)
        {
            using var step = torch.NewDisposeScope();
            optimizer.zero_grad();
            var loss = nn.functional.binary_cross_entropy_with_logits(model.forward(x), y);
            loss.backward();
            optimizer.step();
        }

        var predicted = (torch.sigmoid(model.forward(x)) > 0.5).to_type(ScalarType.Float32).data<float>().ToArray();
        Assert.Equal(new float[] { 0, 1, 1, 0 }, predicted);
    }
}
