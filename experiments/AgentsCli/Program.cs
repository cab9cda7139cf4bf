using Portal.Agents.Cli;

return args.Length > 0 && args[0] == "train" ? TrainCommand.Run(args, Console.Out)
    : args.Length > 0 && args[0] == "report" ? ResultsReport.Run(args, Console.Out)
    : Usage();

static int Usage()
{
    Console.WriteLine(TrainCommand.Usage);
    Console.WriteLine(ResultsReport.Usage);
    return 2;
}
