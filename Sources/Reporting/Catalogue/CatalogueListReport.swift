/// `survmeta datasets list`: one line per dataset of the catalogue with its size, the verification
/// status of its figures and how many are pooled by default. Pure formatting.
public struct CatalogueListReport: Sendable, Equatable {
    /// A label with a count (a verification status and its number of figures).
    public struct Count: Sendable, Equatable {
        public var name: String
        public var value: Int
        public init(name: String, value: Int) {
            self.name = name
            self.value = value
        }
    }

    public struct Entry: Sendable, Equatable {
        public var name: String
        public var title: String?
        public var version: String?
        public var studies: Int
        public var outcomes: Int
        /// Figures per verification status, in the dataset's vocabulary order.
        public var verification: [Count]
        public var pooledByDefault: Int

        public init(name: String, title: String?, version: String?, studies: Int, outcomes: Int, verification: [Count], pooledByDefault: Int) {
            self.name = name
            self.title = title
            self.version = version
            self.studies = studies
            self.outcomes = outcomes
            self.verification = verification
            self.pooledByDefault = pooledByDefault
        }
    }

    public var entries: [Entry]

    public init(entries: [Entry]) { self.entries = entries }

    /// The verification statuses of all datasets, in order of first appearance.
    var statuses: [String] {
        var names: [String] = []
        for e in entries { for c in e.verification where !names.contains(c.name) { names.append(c.name) } }
        return names
    }

    /// `{"datasets": [{name, title, version, studies, outcomes, verification {status: n}, pooled_by_default}]}`.
    public func json() -> JSONValue {
        .object([("datasets", .array(entries.map { e in
            .object([
                ("name", .string(e.name)), ("title", .str(e.title)), ("version", .str(e.version)),
                ("studies", .integer(e.studies)), ("outcomes", .integer(e.outcomes)),
                ("verification", .object(e.verification.map { ($0.name, .integer($0.value)) })),
                ("pooled_by_default", .integer(e.pooledByDefault)),
            ])
        }))])
    }

    var textTable: TextTable {
        let statuses = self.statuses
        let header = ["dataset", "studies", "outcomes"] + statuses + ["pooled", "title"]
        let rows = entries.map { e in
            [e.name, String(e.studies), String(e.outcomes)]
                + statuses.map { s in String(e.verification.first { $0.name == s }?.value ?? 0) }
                + [String(e.pooledByDefault), e.title ?? ""]
        }
        var alignments = header.map { _ in TextTable.Alignment.right }
        alignments[0] = .left
        alignments[header.count - 1] = .left
        return TextTable(header: header, rows: rows, alignments: alignments)
    }

    public func table() -> String { entries.isEmpty ? "no datasets\n" : textTable.plainText() }
    public func markdown() -> String { textTable.markdown() }
    public func csv() -> String { textTable.csv() }
}
