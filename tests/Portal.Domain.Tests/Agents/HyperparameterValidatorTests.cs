using System.Text.Json;
using Portal.Domain.Agents;
using Portal.Domain.Strategies;

namespace Portal.Domain.Tests.Agents;

/// <summary>
/// The one check of requested hyperparameters against an algorithm's schema: ranges (fixed and bounded by another field),
/// unknown names, types, and the effective set with defaults filled in.
/// </summary>
public sealed class HyperparameterValidatorTests
{
    private static readonly AgentAlgorithmInfo Ppo = new("ppo", "PPO", "Proximal policy optimisation.",
    [
        new AgentHyperparameter("parallelEpisodes", "int", "64") { Spec = HyperparameterSpec.Between("ParallelEpisodes", 1, 100_000, "episodes", "Episodes per batch.") },
        new AgentHyperparameter("minibatch", "int", "16") { Spec = HyperparameterSpec.Between("Minibatch", 1, 100_000, "episodes", "Episodes per minibatch.") with { MaxOf = "parallelEpisodes" } },
        new AgentHyperparameter("learningRate", "double", "0.0003") { Spec = HyperparameterSpec.Positive("LearningRate", 1, "", "Adam step size.") },
        new AgentHyperparameter("actionScale", "string", "twap-log") { Spec = HyperparameterSpec.OneOf("ActionScale", ["twap-log", "fraction"], "How actions map to sizes.") },
        new AgentHyperparameter("limitOrders", "bool", "False") { Spec = HyperparameterSpec.Flag("LimitOrders", "Chooses the order type.") },
    ]);

    private static Dictionary<string, object?> Given(string json) =>
        new(HyperparameterValidator.FromJson(JsonDocument.Parse(json).RootElement));

    [Fact]
    public void Nothing_given_is_every_default_typed_in_schema_order()
    {
        var effective = HyperparameterValidator.Require(Ppo, null);

        Assert.Equal(["parallelEpisodes", "minibatch", "learningRate", "actionScale", "limitOrders"], effective.Values.Select(v => v.Key));
        Assert.Equal(64, effective["parallelEpisodes"]);
        Assert.Equal(0.0003, effective["learningRate"]);
        Assert.Equal("twap-log", effective["actionScale"]);
        Assert.Equal(false, effective["limitOrders"]);
        Assert.Empty(effective.Given);
        Assert.Equal("""{"parallelEpisodes":64,"minibatch":16,"learningRate":0.0003,"actionScale":"twap-log","limitOrders":false}""", effective.ToJson());
    }

    [Fact]
    public void Given_values_replace_their_defaults_and_the_rest_keep_them()
    {
        var effective = HyperparameterValidator.Require(Ppo, Given("""{ "learningRate": 0.01, "limitOrders": true, "actionScale": "fraction", "parallelEpisodes": 32 }"""));

        Assert.Equal(0.01, effective["learningRate"]);
        Assert.Equal(true, effective["limitOrders"]);
        Assert.Equal("fraction", effective["actionScale"]);
        Assert.Equal(32, effective["parallelEpisodes"]);
        Assert.Equal(16, effective["minibatch"]);
        Assert.Equal(["actionScale", "learningRate", "limitOrders", "parallelEpisodes"], effective.Given.Order(StringComparer.Ordinal));
        // The stored JSON reads back to the same set.
        Assert.Equal(effective.ToJson(), HyperparameterValidator.Require(Ppo, HyperparameterValidator.FromJson(effective.ToJson())).ToJson());
    }

    [Theory]
    [InlineData("""{ "learningRate": -1 }""", "hyperparameters.learningRate: is -1, allowed range (0, 1]", "Must be more than 0 and at most 1; -1 is not.")]
    [InlineData("""{ "learningRate": 0 }""", "hyperparameters.learningRate: is 0, allowed range (0, 1]", "Must be more than 0 and at most 1; 0 is not.")]
    [InlineData("""{ "learningRate": 1.5 }""", "hyperparameters.learningRate: is 1.5, allowed range (0, 1]", "Must be more than 0 and at most 1; 1.5 is not.")]
    [InlineData("""{ "parallelEpisodes": 0 }""", "hyperparameters.parallelEpisodes: is 0, allowed range [1, 100000] episodes", "Must be a whole number from 1 to 100000; 0 is not.")]
    public void A_value_out_of_range_is_refused_naming_the_field_the_value_and_the_range(string json, string message, string plain)
    {
        var (effective, errors) = HyperparameterValidator.Validate(Ppo, Given(json));

        Assert.Null(effective);
        var error = Assert.Single(errors);
        Assert.Equal(message, error.Message);
        Assert.Equal(plain, error.PlainMessage);
        Assert.StartsWith(error.Field + ":", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bound_naming_another_field_uses_that_fields_given_value_and_shows_it()
    {
        var (_, errors) = HyperparameterValidator.Validate(Ppo, Given("""{ "parallelEpisodes": 8, "minibatch": 16 }"""));

        var error = Assert.Single(errors);
        Assert.Equal("minibatch", error.Name);
        Assert.Equal("hyperparameters.minibatch: is 16, allowed range [1, parallelEpisodes = 8] episodes", error.Message);
        Assert.Equal("Must be a whole number, at least 1 and at most parallelEpisodes (8); 16 is not.", error.PlainMessage);
        // The same minibatch is allowed beside the default 64 parallel episodes.
        Assert.Equal(16, HyperparameterValidator.Require(Ppo, Given("""{ "minibatch": 16 }"""))["minibatch"]);
    }

    [Fact]
    public void A_refused_field_is_reported_once_not_again_through_the_field_it_bounds()
    {
        var (_, errors) = HyperparameterValidator.Validate(Ppo, Given("""{ "parallelEpisodes": 0 }"""));

        Assert.Equal("parallelEpisodes", Assert.Single(errors).Name);
    }

    [Fact]
    public void An_unknown_name_is_refused_listing_the_known_ones()
    {
        var (effective, errors) = HyperparameterValidator.Validate(Ppo, Given("""{ "foo": 1, "learningRate": 0.01 }"""));

        Assert.Null(effective);
        var error = Assert.Single(errors);
        Assert.Equal("hyperparameters.foo: unknown for ppo; known: parallelEpisodes, minibatch, learningRate, actionScale, limitOrders", error.Message);
    }

    [Theory]
    [InlineData("""{ "learningRate": "fast" }""", "hyperparameters.learningRate: is \"fast\", must be a number in (0, 1]")]
    [InlineData("""{ "learningRate": "0.01" }""", "hyperparameters.learningRate: is \"0.01\", must be a number in (0, 1]")]
    [InlineData("""{ "learningRate": null }""", "hyperparameters.learningRate: is null, must be a number in (0, 1]")]
    [InlineData("""{ "parallelEpisodes": 1.5 }""", "hyperparameters.parallelEpisodes: is 1.5, must be a whole number in [1, 100000]")]
    [InlineData("""{ "limitOrders": "yes" }""", "hyperparameters.limitOrders: is \"yes\", must be true or false")]
    [InlineData("""{ "limitOrders": 1 }""", "hyperparameters.limitOrders: is 1, must be true or false")]
    [InlineData("""{ "actionScale": "linear" }""", "hyperparameters.actionScale: is \"linear\", allowed values twap-log, fraction")]
    [InlineData("""{ "actionScale": [1] }""", "hyperparameters.actionScale: is [1], allowed values twap-log, fraction")]
    public void A_value_of_the_wrong_type_is_refused_naming_the_field_and_the_type(string json, string message)
    {
        var (effective, errors) = HyperparameterValidator.Validate(Ppo, Given(json));

        Assert.Null(effective);
        Assert.Equal(message, Assert.Single(errors).Message);
    }

    [Fact]
    public void Every_error_is_reported_at_once_in_schema_order_and_the_exception_carries_them()
    {
        var thrown = Assert.Throws<HyperparameterValidationException>(() =>
            HyperparameterValidator.Require(Ppo, Given("""{ "bar": true, "limitOrders": "no", "learningRate": 2 }""")));

        Assert.Equal(["learningRate", "limitOrders", "bar"], thrown.Errors.Select(e => e.Name));
        Assert.Contains("hyperparameters.learningRate: is 2, allowed range (0, 1]", thrown.Message, StringComparison.Ordinal);
        Assert.Contains("hyperparameters.bar: unknown for ppo", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Values_from_a_form_are_read_as_typed_values()
    {
        var effective = HyperparameterValidator.Require(Ppo, new Dictionary<string, object?> { ["learningRate"] = 0.5, ["parallelEpisodes"] = 20.0, ["limitOrders"] = true });

        Assert.Equal(20, effective["parallelEpisodes"]);
        Assert.IsType<int>(effective["parallelEpisodes"]);
        Assert.Equal(true, effective["limitOrders"]);
    }

    [Fact]
    public void A_hyperparameters_value_that_is_not_an_object_is_refused()
    {
        var thrown = Assert.Throws<ArgumentException>(() => HyperparameterValidator.FromJson(JsonDocument.Parse("[1, 2]").RootElement));

        Assert.StartsWith("hyperparameters: must be a JSON object", thrown.Message, StringComparison.Ordinal);
    }
}
