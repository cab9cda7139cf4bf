namespace Portal.Domain.Scenarios;

/// <summary>One reason a scenario is invalid.</summary>
/// <param name="Field">JSON path of the offending value, e.g. <c>order.steps</c>.</param>
/// <param name="Message">What is wrong and the allowed range.</param>
public sealed record ValidationError(string Field, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Field}: {Message}";
}

/// <summary>Thrown when a scenario is malformed or has values outside their allowed ranges.</summary>
public sealed class ScenarioValidationException : ArgumentException
{
    /// <summary>Creates the exception from the list of errors (at least one).</summary>
    public ScenarioValidationException(IReadOnlyList<ValidationError> errors)
        : base(BuildMessage(errors), errors is { Count: > 0 } ? errors[0].Field : null)
    {
        Errors = errors;
    }

    /// <summary>Creates the exception with a single error.</summary>
    public ScenarioValidationException(string field, string message)
        : this([new ValidationError(field, message)])
    {
    }

    /// <summary>Creates the exception for one field, keeping the parser error that caused it.</summary>
    public ScenarioValidationException(string field, string message, Exception innerException)
        : base($"Invalid scenario: {field}: {message}", field, innerException)
    {
        Errors = [new ValidationError(field, message)];
    }

    /// <summary>Creates the exception with a free-text message and no field.</summary>
    public ScenarioValidationException()
        : this("scenario", "The scenario is invalid.")
    {
    }

    /// <summary>Creates the exception with a free-text message.</summary>
    public ScenarioValidationException(string message)
        : this("scenario", message)
    {
    }

    /// <summary>Creates the exception with a free-text message and an inner exception.</summary>
    public ScenarioValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [new ValidationError("scenario", message)];
    }

    /// <summary>Every problem found, each naming its field.</summary>
    public IReadOnlyList<ValidationError> Errors { get; }

    private static string BuildMessage(IReadOnlyList<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return errors.Count == 0
            ? "The scenario is invalid."
            : "Invalid scenario: " + string.Join("; ", errors.Select(e => e.ToString()));
    }
}
