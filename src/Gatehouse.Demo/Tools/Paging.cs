using Gatehouse.Demo.Data;

namespace Gatehouse.Demo.Tools;

/// <summary>The page and per_page arguments, with Listmonk's defaults and a cap that keeps a reply readable.</summary>
internal static class Paging
{
    private const int DefaultSize = 20;
    private const int MaxSize = 1000;

    public static Page Read(ToolArguments args) => new(
        args.OptionalInteger("page", fallback: 1, min: 1, max: int.MaxValue),
        args.OptionalInteger("per_page", fallback: DefaultSize, min: 1, max: MaxSize));
}
