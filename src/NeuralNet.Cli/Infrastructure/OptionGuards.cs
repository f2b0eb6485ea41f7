using System.CommandLine;
using System.CommandLine.Parsing;

namespace NeuralNet.Cli.Infrastructure;

/// <summary>
/// Makes every option's range check safe to run on a value that did not parse. A check reads the value with
/// <c>GetValueOrDefault</c>, which throws when the text is not a number of the option's type (<c>--batch-size
/// 2147483648</c> overflows an int): thrown during parsing, that ended the process with "Unhandled exception"
/// (exit 134). Wrapped here, such a value is the parser's usage error (exit 1) that names the option and the text.
/// </summary>
public static class OptionGuards
{
    /// <summary>Wraps the validators of every option of <paramref name="command"/> and its subcommands.</summary>
    public static void Apply(Command command)
    {
        foreach (Option option in command.Options)
        {
            List<Action<OptionResult>> checks = [.. option.Validators];
            option.Validators.Clear();
            foreach (Action<OptionResult> check in checks) option.Validators.Add(result => RunIfParsed(check, result));
        }
        foreach (Command subcommand in command.Subcommands) Apply(subcommand);
    }

    private static void RunIfParsed(Action<OptionResult> check, OptionResult result)
    {
        try
        {
            check(result);
        }
        catch (InvalidOperationException) when (result.Tokens.Count > 0)
        {
            // The value did not convert to the option's type: the parser reports that itself, as a usage error
            // naming the option and the text; the range check has nothing to add.
        }
    }
}
