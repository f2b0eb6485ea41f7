using System.Reflection;

namespace NeuralNet;

/// <summary>
/// Finds the library's own classes of a kind (layers, optimisers, activations) by reflection, so that adding
/// one is one file: no table elsewhere has to learn its name.
/// </summary>
internal static class Discovery
{
    /// <summary>Every public, non-abstract class of this library that is a <typeparamref name="TBase"/>, by name.</summary>
    public static IEnumerable<Type> Classes<TBase>() =>
        typeof(Discovery).Assembly.GetTypes()
            .Where(t => t.IsClass && t.IsPublic && !t.IsAbstract && typeof(TBase).IsAssignableFrom(t))
            .OrderBy(t => t.Name, StringComparer.Ordinal);

    /// <summary>
    /// The factory each <typeparamref name="TBase"/> class declares: a public static method
    /// <paramref name="methodName"/>(<typeparamref name="TArgument"/>) returning the class, keyed by the class's
    /// name. A class without one is left out (the tests that discover every class catch that).
    /// </summary>
    public static Dictionary<string, Func<TArgument, TBase>> Factories<TBase, TArgument>(string methodName, StringComparer names)
    {
        var factories = new Dictionary<string, Func<TArgument, TBase>>(names);
        foreach (Type type in Classes<TBase>())
        {
            MethodInfo? method = type.GetMethod(methodName, BindingFlags.Public | BindingFlags.Static, [typeof(TArgument)]);
            if (method is null || !typeof(TBase).IsAssignableFrom(method.ReturnType)) continue;
            factories[type.Name] = method.CreateDelegate<Func<TArgument, TBase>>();
        }
        return factories;
    }
}
