using MudBlazor;

namespace Portal.Web.Components.Shared;

/// <summary>Asks before a destructive action (revoking a token, removing a member, deleting a scenario).</summary>
public static class Confirmation
{
    /// <summary>
    /// Shows <paramref name="message"/> with a button named after the action and a Cancel button; true only when the
    /// user chose the action (Cancel, Escape and a click outside the dialog all keep things as they are).
    /// </summary>
    public static async Task<bool> ConfirmAsync(this IDialogService dialogs, string title, string message, string action)
    {
        ArgumentNullException.ThrowIfNull(dialogs);
        var answer = await dialogs.ShowMessageBoxAsync(
            new MessageBoxOptions { Title = title, Message = message, YesText = action, CancelText = "Cancel" },
            new DialogOptions { CloseOnEscapeKey = true, MaxWidth = MaxWidth.Small });
        return answer == true;
    }
}
