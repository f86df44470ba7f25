using System.Text.Json;
using ChatAgent.Bot.Teams.Cards;
using ChatAgent.Bot.Teams;

namespace ChatAgent.Bot.Tests.Teams;

/// <summary>The checker the card tests rely on catches what it claims to.</summary>
public sealed class AdaptiveCardCheckerTests
{
    [Fact]
    public void AStuckCard_AsTheBotRendersIt_Passes()
    {
        var card = new AdaptiveCard { Body = [new TextBlock("hi"), new InputText("hint"), new ActionSet([new ActionExecute("retry", new CardActionData("retry", "th_1")) { Title = "Retry", Fallback = new ActionSubmit(new CardActionData("retry", "th_1")) }])] };
        Assert.Empty(AdaptiveCardChecker.Check(JsonSerializer.SerializeToElement(card, TeamsJson.Options)));
    }

    [Theory]
    [InlineData("""{"type":"AdaptiveCard","version":"1.4","$schema":"http://adaptivecards.io/schemas/adaptive-card.json","body":[]}""", "version")]
    [InlineData("""{"type":"AdaptiveCard","version":"1.5","body":[]}""", "$schema")]
    [InlineData("""{"type":"AdaptiveCard","version":"1.5","$schema":"http://adaptivecards.io/schemas/adaptive-card.json","body":[{"type":"Input.Text"}]}""", "needs an id")]
    [InlineData("""{"type":"AdaptiveCard","version":"1.5","$schema":"http://adaptivecards.io/schemas/adaptive-card.json","body":[{"type":"ActionSet","actions":[{"type":"Action.Execute","title":"x"}]}]}""", "needs a verb")]
    [InlineData("""{"type":"AdaptiveCard","version":"1.5","$schema":"http://adaptivecards.io/schemas/adaptive-card.json","body":[{"type":"Image","url":"x"}]}""", "unknown element")]
    [InlineData("""{"type":"AdaptiveCard","version":"1.5","$schema":"http://adaptivecards.io/schemas/adaptive-card.json","body":[{"type":"TextBlock","text":"a","colour":"red"}]}""", "unknown property")]
    [InlineData("""{"type":"AdaptiveCard","version":"1.5","$schema":"http://adaptivecards.io/schemas/adaptive-card.json","body":[{"type":"FactSet","facts":[{"title":"a"}]}]}""", "title and value")]
    public void ABrokenCard_IsReported(string json, string problem)
    {
        var problems = AdaptiveCardChecker.Check(JsonDocument.Parse(json).RootElement);
        Assert.Contains(problems, p => p.Contains(problem));
    }
}
