using Portal.Agents.Offline;
using Portal.Agents.Td3Bc;

namespace Portal.Agents.Tests;

/// <summary>
/// The offline learners' action scales: <c>twap-log</c> puts TWAP's child at the centre of [−1, 1] at every decision and
/// inverts exactly inside the mask; <c>fraction</c> is the linear map of the mask's fraction; a logged TWAP dataset reaches
/// the learner as actions at 0.
/// </summary>
public sealed class OfflineActionScaleTests
{
    [Theory]
    [InlineData(20)]
    [InlineData(8)]
    [InlineData(3)]
    public void Twap_child_is_action_zero_and_the_ends_are_the_whole_remainder_and_twap_over_the_steps_left(int steps)
    {
        for (int k = 0; k < steps - 1; k++)
        {
            int left = steps - k;
            Assert.Equal(0f, OfflineActionScale.ToAction(OfflineActionScale.TwapLog, 1.0 / left, 1, k, steps), 6);
            Assert.Equal(1.0 / left, OfflineActionScale.ToFraction(OfflineActionScale.TwapLog, 0, 1, k, steps), 12);
            Assert.Equal(1.0, OfflineActionScale.ToFraction(OfflineActionScale.TwapLog, 1, 1, k, steps), 12);
            Assert.Equal(1.0 / left / left, OfflineActionScale.ToFraction(OfflineActionScale.TwapLog, -1, 1, k, steps), 12);
            Assert.Equal(-1f, OfflineActionScale.ToAction(OfflineActionScale.TwapLog, 0, 1, k, steps));
        }
    }

    [Theory]
    [InlineData("twap-log")]
    [InlineData("fraction")]
    public void Fraction_to_action_and_back_is_the_identity_inside_the_range(string scale)
    {
        const int steps = 20;
        foreach (int k in new[] { 0, 7, 18 })
        {
            double low = scale == OfflineActionScale.TwapLog ? 1.0 / (steps - k) / (steps - k) : 0;
            for (double f = low; f <= 1; f += (1 - low) / 37)
            {
                float a = OfflineActionScale.ToAction(scale, f, 1, k, steps);
                Assert.InRange(a, -1f, 1f);
                Assert.Equal(f, OfflineActionScale.ToFraction(scale, a, 1, k, steps), 5);
            }
        }

        // A mask caps the traded fraction whatever the action.
        Assert.Equal(0.02, OfflineActionScale.ToFraction(scale, 1, 0.02, 0, steps), 12);
    }

    [Fact]
    public void Fraction_scale_is_the_linear_map_of_the_masks_fraction()
    {
        Assert.Equal(-0.9f, OfflineActionScale.ToAction(OfflineActionScale.Fraction, 0.05, 1, 0, 20), 6);
        Assert.Equal(0f, OfflineActionScale.ToAction(OfflineActionScale.Fraction, 0.25, 0.5, 3, 20), 6);
        Assert.Equal(0.375, OfflineActionScale.ToFraction(OfflineActionScale.Fraction, 0.5, 0.5, 3, 20), 12);
    }

    [Fact]
    public void A_logged_twap_dataset_reaches_the_learner_as_actions_at_zero_under_twap_log_and_near_minus_one_under_fraction()
    {
        var market = Portal.Agents.Training.MarketSource.For(OfflineDatasetTests.World(sigma: 0.5));
        var data = OfflineLogger.Log(market, "twap", episodes: 4, seed: 3);
        var twapLog = new OfflineBatches(data, Portal.Agents.Environment.ObservationNormalizer.Identity, 1, 1, actionScale: OfflineActionScale.TwapLog);
        var fraction = new OfflineBatches(data, Portal.Agents.Environment.ObservationNormalizer.Identity, 1, 1);

        var logActions = twapLog.Sample(256).Actions.data<float>().ToArray();
        var fractionActions = fraction.Sample(256).Actions.data<float>().ToArray();

        Assert.All(logActions, a => Assert.Equal(0f, a, 5));
        // The first child of an 8-step TWAP is 1/8 of the remainder: −0.75 on the fraction scale, a quarter from "trade nothing".
        Assert.Contains(fractionActions, a => Math.Abs(a + 0.75f) < 1e-5);
    }

    [Fact]
    public void An_unknown_action_scale_is_refused_naming_the_field_and_twap_log_is_the_default()
    {
        Assert.Equal("ActionScale", Assert.Throws<ArgumentOutOfRangeException>(() => new Td3BcHyperparameters(actionScale: "linear")).ParamName);
        Assert.Equal(OfflineActionScale.TwapLog, new Td3BcHyperparameters().ActionScale);
    }

    [Fact]
    public void A_stored_td3bc_record_without_an_action_scale_reads_as_the_fraction_scale_it_was_trained_on()
    {
        var algorithm = new Td3BcAlgorithm();
        var stored = System.Text.Json.JsonDocument.Parse("""{"learningRate":0.0003,"alpha":2.5,"rewardScale":0.1}""").RootElement;
        Assert.Equal(OfflineActionScale.Fraction, algorithm.ReadStoredHyperparameters(stored).ActionScale);
        Assert.Equal(2.5, algorithm.ReadStoredHyperparameters(stored).Alpha);
        var current = System.Text.Json.JsonSerializer.SerializeToElement(new Td3BcHyperparameters(), Portal.Agents.Training.AgentArtifact.JsonOptions);
        Assert.Equal(OfflineActionScale.TwapLog, algorithm.ReadStoredHyperparameters(current).ActionScale);
    }
}
