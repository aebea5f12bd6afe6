namespace Cpworker.Outputs.Common;

/// <summary><c>pmtudisc</c>: the value given to <c>IP_MTU_DISCOVER</c> / <c>IPV6_MTU_DISCOVER</c> (docs/wire-formats.md, "GRE").</summary>
internal enum PmtuDiscovery
{
    /// <summary><c>dont</c>: never set DF; fragment locally.</summary>
    Dont = 0,

    /// <summary><c>want</c>: use path MTU discovery when possible.</summary>
    Want = 1,

    /// <summary><c>do</c>: always set DF.</summary>
    Do = 2,
}
