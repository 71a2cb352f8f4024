using System.Text.Json.Nodes;
using DBackup.DevCluster.Resources;

namespace DBackup.DevCluster.Tables;

/// <summary>Columns of the RoleBinding/ClusterRoleBinding printers: ROLE (Kind/name), AGE, and wide USERS, GROUPS, SERVICEACCOUNTS.</summary>
internal static class RbacColumns
{
    public static IReadOnlyList<PrinterColumn> Bindings(PrinterColumn age) =>
    [
        BuiltInColumns.Computed("Role", "string", o => $"{Json.Text(o["roleRef"]?["kind"])}/{Json.Text(o["roleRef"]?["name"])}"),
        age,
        BuiltInColumns.Computed("Users", "string", o => Subjects(o, "User", qualify: false), priority: 1),
        BuiltInColumns.Computed("Groups", "string", o => Subjects(o, "Group", qualify: false), priority: 1),
        BuiltInColumns.Computed("ServiceAccounts", "string", o => Subjects(o, "ServiceAccount", qualify: true), priority: 1),
    ];

    private static string Subjects(JsonObject binding, string kind, bool qualify) =>
        string.Join(", ", (binding["subjects"] as JsonArray ?? [])
            .Where(s => Json.Text(s?["kind"]) == kind)
            .Select(s => qualify
                ? $"{Json.Text(s?["namespace"])}/{Json.Text(s?["name"])}"
                : Json.Text(s?["name"]) ?? ""));
}
