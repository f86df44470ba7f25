// Placeholder so the solution builds on the storage branch; the Bot branch owns the real composition root.
var app = WebApplication.CreateBuilder(args).Build();
app.Run();
