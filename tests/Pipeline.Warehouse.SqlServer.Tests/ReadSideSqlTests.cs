using System.Data;

namespace Pipeline.Warehouse.SqlServer.Tests;

/// <summary>The SQL Server engine's own read-side statements (alert state, state reset) parse; parameters are typed.</summary>
public sealed class ReadSideSqlTests
{
    [Test]
    public void Alert_state_and_state_reset_statements_parse_as_TSql160()
    {
        TSql.AssertParses(SqlServerAlertState.GetSql, "alert state read");
        TSql.AssertParses(SqlServerAlertState.SetSql, "alert state upsert");
        TSql.AssertParses(SqlServerAlertState.DeleteSql, "alert state delete");
        TSql.AssertParses(SqlServerRunLog.ResetStateSql, "state reset");
    }

    [Test]
    public void Dates_go_as_date_text_as_nvarchar_and_null_as_DBNull()
    {
        var day = SqlServerReader.Parameter("from", new DateOnly(2026, 3, 1));
        var text = SqlServerReader.Parameter("segment", "Paid Social");
        var none = SqlServerReader.Parameter("stream", null);

        Assert.That((day.ParameterName, day.SqlDbType, day.Value), Is.EqualTo(("@from", SqlDbType.Date, (object)new DateTime(2026, 3, 1))));
        Assert.That((text.SqlDbType, text.Value), Is.EqualTo((SqlDbType.NVarChar, (object)"Paid Social")));
        Assert.That(none.Value, Is.EqualTo(DBNull.Value));
    }

    [Test]
    public void BI_tools_read_SQL_Server_live_and_nothing_is_published()
    {
        var warehouse = SqlServerWarehouse.Open(new SqlServerWarehouseOptions { ConnectionString = "Server=127.0.0.1,1;Database=wh;User ID=sa;Password=x" });

        Assert.That(warehouse.Bi.Publisher, Is.Null);
        Assert.That(warehouse.Bi.Description, Does.Contain(SqlServerWarehouse.BiReaderRole));
        Assert.That(warehouse.Reader.Dialect.Parameter("from"), Is.EqualTo("@from"));
    }
}
