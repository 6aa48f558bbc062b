using AiProfiler.Core.Devices;
using Microsoft.Extensions.Options;

namespace AiProfiler.Agent.Hosting;

/// <summary>Stops start-up on a bad <c>Advise:Scenarios</c> entry, with one line per problem naming its key.</summary>
internal sealed class AdviseOptionsValidator(DeviceRegistry devices) : IValidateOptions<AdviseOptions>
{
    public ValidateOptionsResult Validate(string? name, AdviseOptions options)
    {
        var errors = ConfiguredAdvice.Validate(options, devices);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
