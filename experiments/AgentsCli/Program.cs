using Portal.Agents.Cli;

return args.Length > 0 && args[0] == "train"
    ? TrainCommand.Run(args, Console.Out)
    : Usage();

static int Usage()
{
    Console.WriteLine(TrainCommand.Usage);
    return 2;
}
