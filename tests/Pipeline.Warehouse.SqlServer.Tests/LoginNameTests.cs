namespace Pipeline.Warehouse.SqlServer.Tests;

public sealed class LoginNameTests
{
    [TestCase("powerbi")]
    [TestCase("metabase_reader")]
    [TestCase(@"CONTOSO\BI Analysts")]
    [TestCase("ana@contoso.com")]
    [TestCase("Jürgen.Müller")]
    [TestCase("svc-bi$")]
    public void Plausible_logins_are_accepted(string login) => Assert.That(SqlLoginName.Problem(login), Is.Null);

    [TestCase("", "empty")]
    [TestCase("   ", "empty")]
    [TestCase(" powerbi", "starts or ends with a space")]
    [TestCase("powerbi ", "starts or ends with a space")]
    [TestCase("bi]; DROP USER dbo; --", "is not a login name")]
    [TestCase("o'brien", "is not a login name")]
    [TestCase("[powerbi]", "is not a login name")]
    [TestCase("a;b", "is not a login name")]
    [TestCase("tab\there", "is not a login name")]
    [TestCase(@"A\B\C", "more than one backslash")]
    [TestCase("-leading", "is not a login name")]
    public void Anything_else_is_refused_with_the_reason(string login, string problem) =>
        Assert.That(SqlLoginName.Problem(login), Does.Contain(problem));

    [Test]
    public void Longer_than_a_sysname_is_refused() =>
        Assert.That(SqlLoginName.Problem(new string('a', 129)), Does.Contain("longer than 128"));

    [Test]
    public void The_grant_helper_validates_before_it_connects()
    {
        var warehouse = SqlServerWarehouse.Open(new SqlServerWarehouseOptions { ConnectionString = "Server=127.0.0.1,1;Database=wh;Integrated Security=true;Connect Timeout=1" });

        var ex = Assert.ThrowsAsync<ArgumentException>(() => warehouse.GrantBiReaderAsync("x]; DROP TABLE etl.sync_state; --"));
        Assert.That(ex!.Message, Does.Contain("is not a login name"));
    }
}
