using Portal.Agents.Common;
using TorchSharp;

namespace Portal.Agents.Tests;

/// <summary>Vectorised GAE equals the textbook backward loop.</summary>
[Collection(TorchCollection.Name)]
public sealed class GaeTests
{
    [Fact]
    public void Vectorised_gae_equals_a_plain_loop_on_a_hand_made_trajectory_with_an_episode_boundary()
    {
        // Two parallel environments, five steps; environment 0 ends an episode at t = 2 and starts another.
        float[,] rewards = { { 1, -2 }, { 0.5f, 0 }, { -1, 3 }, { 2, 1 }, { 0, -1 } };
        float[,] values = { { 0.3f, 1 }, { -0.2f, 0.5f }, { 1, -1 }, { 0.7f, 0.2f }, { -0.5f, 0.1f } };
        float[,] dones = { { 0, 0 }, { 0, 0 }, { 1, 0 }, { 0, 0 }, { 0, 1 } };
        float[] last = { 0.9f, -0.4f };
        const double gamma = 0.97, lambda = 0.9;

        var expected = new double[5, 2];
        for (int e = 0; e < 2; e++)
        {
            double next = 0;
            for (int t = 4; t >= 0; t--)
            {
                double nextValue = t == 4 ? last[e] : values[t + 1, e];
                double notDone = 1 - dones[t, e];
                double delta = rewards[t, e] + gamma * nextValue * notDone - values[t, e];
                next = delta + gamma * lambda * notDone * next;
                expected[t, e] = next;
            }
        }

        using var scope = torch.NewDisposeScope();
        var (advantages, returns) = Gae.Compute(torch.tensor(rewards), torch.tensor(values), torch.tensor(dones), torch.tensor(last), gamma, lambda);
        var adv = advantages.data<float>().ToArray();
        var ret = returns.data<float>().ToArray();
        for (int t = 0; t < 5; t++)
        {
            for (int e = 0; e < 2; e++)
            {
                Assert.Equal(expected[t, e], adv[t * 2 + e], 5);
                Assert.Equal(expected[t, e] + values[t, e], ret[t * 2 + e], 5);
            }
        }

        // A hand-checked entry: environment 1 at t = 4 ends, so its advantage is r − V = −1 − 0.1.
        Assert.Equal(-1.1, adv[9], 5);
    }
}
