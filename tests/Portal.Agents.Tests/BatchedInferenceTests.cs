using Portal.Agents.Common;
using Portal.Agents.Environment;
using Portal.Agents.Ppo;
using TorchSharp;

namespace Portal.Agents.Tests;

/// <summary>
/// Batched inference: one forward pass for N episodes decides exactly what N separate passes would, and the batch copy
/// into libtorch keeps the row-major layout.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class BatchedInferenceTests
{
    [Fact]
    public void Batch_copies_row_major_values_into_a_rows_by_columns_tensor()
    {
        float[] values = [1, 2, 3, 4, 5, 6, 7, 8];
        using var scope = torch.NewDisposeScope();
        var t = Networks.Batch(values, rows: 2, columns: 3);

        Assert.Equal([2L, 3L], t.shape);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], t.data<float>().ToArray());
        Assert.Equal(6f, t[1, 2].item<float>());
    }

    [Fact]
    public void Ppo_decides_for_a_batch_of_episodes_as_it_would_for_each_episode_alone()
    {
        torch.manual_seed(11);
        using var agent = PpoAgent.Create(new PpoHyperparameters(parallelEpisodes: 64));
        var env = new ExecutionEnvironment(new AlmgrenChrissMarket(TestMarkets.Desk(3e-6), 64), ObservationNormalizer.Identity);
        env.Reset(5);
        var cap = new double[64];
        Array.Fill(cap, 0.5);
        env.Step(cap); // episodes now differ in price and volatility

        int f = ExecutionEnvironment.FeatureCount;
        var batched = new double[64];
        agent.Act(env.Observations, env.MaxFraction, env.DecisionIndex, env.Market.Steps, batched);
        Assert.True(batched.Distinct().Count() > 1, "the episodes' observations differ, so should some decisions");
        for (int i = 0; i < 64; i++)
        {
            var single = new double[1];
            agent.Act(env.Observations.AsSpan(i * f, f), env.MaxFraction.AsSpan(i, 1), env.DecisionIndex, env.Market.Steps, single);
            Assert.Equal(single[0], batched[i], 6);
            Assert.InRange(batched[i], 0, env.MaxFraction[i]);
        }
    }
}
