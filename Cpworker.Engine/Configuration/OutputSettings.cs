namespace Cpworker.Engine.Configuration;

/// <summary>
/// The type-specific settings of one output (the <c>gre</c>, <c>vxlan</c>, <c>file</c> … object),
/// produced by that output type's parser.
/// </summary>
public abstract record OutputSettings
{
    /// <summary>
    /// A resource no other output may claim, such as a file path or a rotating directory, in a form
    /// that compares equal for equal resources; null when there is none.
    /// </summary>
    public virtual string? ExclusiveResource => null;
}
