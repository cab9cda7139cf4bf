using Portal.Agents.Environment;
using Portal.Domain.Scenarios;

namespace Portal.Agents.Tests;

/// <summary>
/// The price-noise control variate removes the price randomness from training rewards without changing any policy's
/// expected return.
/// </summary>
public sealed class PriceNoiseControlVariateTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(3e-6)]
    public void In_the_almgren_chriss_world_a_fixed_schedule_earns_exactly_minus_its_closed_form_objective_on_every_path(double lambda)
    {
        var p = TestMarkets.Desk(lambda, steps: 12);
        foreach (var holdings in new[] { AlmgrenChrissSolution.OptimalHoldings(p), AlmgrenChrissSolution.TwapHoldings(p) })
        {
            var (returns, objectives) = RunSchedule(new AlmgrenChrissMarket(p, 256), holdings, p.Quantity, controlVariate: true);
            double expected = AlmgrenChrissSolution.ObjectiveBps(p, holdings);
            Assert.All(returns, r => Assert.Equal(-expected, r, 8));

            // The realised objective still carries the price noise: tens of bps across paths.
            double spread = objectives.Max() - objectives.Min();
            Assert.True(spread > 20, $"realised objectives span only {spread} bps");
        }
    }

    [Theory]
    [InlineData(PriceModels.Gbm, 0.2, 30.0, -40.0)]
    [InlineData(PriceModels.Abm, -0.3, 20.0, 25.0)]
    public void On_a_simulated_market_with_drift_and_jumps_the_control_variate_has_mean_zero_for_an_adaptive_policy(
        string priceModel, double driftPerDay, double jumpsPerDay, double jumpMeanBps)
    {
        var demo = ScenarioPresets.Demo();
        var scenario = demo with
        {
            Market = demo.Market with
            {
                Price = demo.Market.Price with
                {
                    Model = priceModel, DriftPerDay = driftPerDay, JumpIntensityPerDay = jumpsPerDay, JumpMeanBps = jumpMeanBps, JumpStdBps = 30,
                },
            },
        };
        const int n = 20_000;

        // Adaptive: sell faster after a favourable move, so holdings depend on past noise; the correction must still average 0.
        var (plainReturn, correctedReturn) = RunBoth(scenario, n, (o, stepsLeft) => Math.Clamp((1 + 2 * o.PriceMoveSigmas) / stepsLeft, 0, 1));
        var difference = correctedReturn.Zip(plainReturn, (c, p) => c - p).ToArray();
        var (meanDiff, sdDiff) = MeanSd(difference);
        double se = sdDiff / Math.Sqrt(n);
        Assert.InRange(meanDiff, -4 * se, 4 * se);
        Assert.True(se < 1, $"standard error {se} bps is too large for the test to detect a bias");

        // A fixed schedule (TWAP): what is left without the price noise is the spread and execution noise, a small part.
        var (twapPlain, twapCorrected) = RunBoth(scenario, n, (_, stepsLeft) => 1.0 / stepsLeft);
        var (_, sdPlain) = MeanSd(twapPlain);
        var (_, sdCorrected) = MeanSd(twapCorrected);
        Assert.True(sdCorrected < 0.25 * sdPlain, $"sd with control variate {sdCorrected} vs {sdPlain} without");
    }

    private static (double[] Plain, double[] Corrected) RunBoth(Scenario scenario, int n, Func<ExecutionObservation, int, double> policy)
    {
        var plain = new ExecutionEnvironment(new ScenarioMarket(scenario, n, riskAversion: 1e-6), ObservationNormalizer.Identity);
        var corrected = new ExecutionEnvironment(new ScenarioMarket(scenario, n, riskAversion: 1e-6), ObservationNormalizer.Identity, priceNoiseControlVariate: true);
        plain.Reset(21);
        corrected.Reset(21);
        var plainReturn = new double[n];
        var correctedReturn = new double[n];
        var fractions = new double[n];
        while (!plain.Done)
        {
            int stepsLeft = scenario.Order.Steps - plain.DecisionIndex;
            for (int i = 0; i < n; i++)
            {
                fractions[i] = policy(plain.RawObservations[i], stepsLeft);
            }

            plain.Step(fractions);
            corrected.Step(fractions);
            for (int i = 0; i < n; i++)
            {
                plainReturn[i] += plain.Rewards[i];
                correctedReturn[i] += corrected.Rewards[i];
            }
        }

        Assert.Equal(plain.EpisodeObjectiveBps, corrected.EpisodeObjectiveBps);
        return (plainReturn, correctedReturn);
    }

    private static (double[] Returns, double[] Objectives) RunSchedule(IExecutionMarket market, double[] holdings, double quantity, bool controlVariate)
    {
        var env = new ExecutionEnvironment(market, ObservationNormalizer.Identity, controlVariate);
        env.Reset(9);
        var returns = new double[env.BatchSize];
        var fractions = new double[env.BatchSize];
        while (!env.Done)
        {
            int k = env.DecisionIndex;
            Array.Fill(fractions, holdings[k] <= 0 ? 1 : (holdings[k] - holdings[k + 1]) / holdings[k]);
            env.Step(fractions);
            for (int i = 0; i < returns.Length; i++)
            {
                returns[i] += env.Rewards[i];
            }
        }

        Assert.True(quantity > 0);
        return (returns, env.EpisodeObjectiveBps.ToArray());
    }

    private static (double Mean, double Sd) MeanSd(IReadOnlyList<double> values)
    {
        double mean = values.Average();
        return (mean, Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1)));
    }
}
