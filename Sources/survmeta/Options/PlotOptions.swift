import ArgumentParser
import Foundation

/// `--svg FILE`: also draw the analysis's figure (written atomically).
struct PlotOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Also write the figure as SVG to this file.", valueName: "file"))
    var svg: String?

    func write(_ text: @autoclosure () -> String) throws {
        guard let svg else { return }
        try AtomicFile.write(Data(text().utf8), to: svg)
    }
}
