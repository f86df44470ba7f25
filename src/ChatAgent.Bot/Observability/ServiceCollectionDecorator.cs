namespace ChatAgent.Bot.Observability;

/// <summary>Decorates every registration of a service in place (each implementation of an IEnumerable port too).</summary>
public static class ServiceCollectionDecorator
{
    public static IServiceCollection Decorate<TService>(this IServiceCollection services, Func<TService, IServiceProvider, TService> decorate)
        where TService : class
    {
        for (var i = 0; i < services.Count; i++)
        {
            var original = services[i];
            if (original.ServiceType != typeof(TService) || original.IsKeyedService) continue;
            services[i] = ServiceDescriptor.Describe(typeof(TService), sp => decorate((TService)Create(sp, original), sp), original.Lifetime);
        }
        return services;
    }

    private static object Create(IServiceProvider sp, ServiceDescriptor descriptor) =>
        descriptor.ImplementationInstance
        ?? descriptor.ImplementationFactory?.Invoke(sp)
        ?? ActivatorUtilities.CreateInstance(sp, descriptor.ImplementationType!);
}
