using Scriban;
using Scriban.Functions;
using Scriban.Runtime;
using Scriban.Syntax;

namespace Explainability.Views.Rendering;

/// <summary>
/// Scriban's <c>math.format</c> (<see cref="MathFunctions.Format"/>: a number formatted with a .NET format string in the
/// template's culture), called without Scriban's general argument binding. Our templates call it over a hundred times;
/// the binding (each argument converted to its parameter's type through reflection, optional arguments filled) took
/// three times as long as the formatting and was the largest part of rendering a view. A number of type
/// <see cref="double"/>, <see cref="int"/> or <see cref="long"/> with a string format and no culture is formatted here
/// directly; every other call (a culture, a null, a decimal, a wrong type) is bound as Scriban binds it and passed to
/// <see cref="MathFunctions.Format"/> itself, so the results and errors are Scriban's in every case (tested against it).
/// </summary>
public sealed class MathFormatFunction : IScriptCustomFunction
{
    /// <inheritdoc />
    public int RequiredParameterCount => 2;

    /// <inheritdoc />
    public int ParameterCount => 3;

    /// <inheritdoc />
    // Direct: Scriban hands over the arguments as written; this function checks and converts them.
    public ScriptVarParamKind VarParamKind => ScriptVarParamKind.Direct;

    /// <inheritdoc />
    public Type ReturnType => typeof(string);

    /// <inheritdoc />
    public ScriptParameterInfo GetParameterInfo(int index) => index switch
    {
        0 => new ScriptParameterInfo(typeof(object), "value"),
        1 => new ScriptParameterInfo(typeof(string), "format"),
        2 => new ScriptParameterInfo(typeof(string), "culture", null),
        _ => throw new ArgumentOutOfRangeException(nameof(index), "Argument index must be < 3"), // Scriban's own message for its bound math.format
    };

    /// <inheritdoc />
    public object? Invoke(TemplateContext context, ScriptNode? callerContext, ScriptArray arguments, ScriptBlockStatement? blockStatement)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(arguments);
        if (arguments.Count is < 2 or > 3)
        {
            throw new ScriptRuntimeException(callerContext?.Span ?? default,
                $"Invalid number of arguments `{arguments.Count}` passed to `math.format` while expecting `2` to `3` arguments");
        }

        if (arguments.Count == 2 && arguments[1] is string format)
        {
            switch (arguments[0])
            {
                case double d:
                    return d.ToString(format, context.CurrentCulture);
                case int i:
                    return i.ToString(format, context.CurrentCulture);
                case long l:
                    return l.ToString(format, context.CurrentCulture);
            }
        }

        var span = callerContext?.Span ?? default;
        string? culture = arguments.Count == 3 ? context.ToObject<string>(span, arguments[2]) : null;
        return MathFunctions.Format(context, span, arguments[0], context.ToObject<string>(span, arguments[1])!, culture!);
    }

    /// <inheritdoc />
    public ValueTask<object?> InvokeAsync(TemplateContext context, ScriptNode? callerContext, ScriptArray arguments, ScriptBlockStatement? blockStatement) =>
        ValueTask.FromResult(Invoke(context, callerContext, arguments, blockStatement));

    /// <summary>Scriban's built-ins with <c>math.format</c> replaced by this function.</summary>
    /// <param name="builtins">Scriban's built-in object (from <see cref="TemplateContext.GetDefaultBuiltinObject"/>), before it is made read-only.</param>
    /// <exception cref="InvalidCastException"><paramref name="builtins"/> has no <c>math</c> object.</exception>
    public static void Install(ScriptObject builtins)
    {
        var math = (ScriptObject)builtins["math"]!;
        math.SetValue("format", new MathFormatFunction(), readOnly: true);
    }
}
