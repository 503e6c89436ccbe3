import Foundation

/// A Frictionless Data Package (`datapackage.json`): the descriptor of a dataset folder, with one
/// tabular resource per CSV file and a Table Schema for each.
///
/// Reference: Frictionless Data, *Data Package* and *Table Schema* specifications v1
/// (https://specs.frictionlessdata.io/data-package/, https://specs.frictionlessdata.io/table-schema/).
/// The subset read here is what SurvMeta's evidence bases use: resources with a relative `path` to a
/// UTF-8, comma-separated CSV file with a header row, and an inline `schema` whose fields have the
/// types `string`, `integer`, `number`, `year`, `boolean` or `date` and the constraints `required`,
/// `unique`, `enum`, `minimum`, `maximum`, `pattern`, `minLength`, `maxLength`; plus `missingValues`,
/// `primaryKey` and `foreignKeys`. Anything else that would change how a cell is read (another
/// delimiter, a header-less file, an unknown type or constraint, a remote or inline resource) is
/// reported as an issue rather than silently ignored, so a schema is never validated half-way.
///
/// Parse with `DataPackage.load(path:)` or `DataPackage.parse(_:source:)`; validate the data with
/// `TableSchemaValidator`.
public struct DataPackage: Sendable, Equatable, Codable {
    /// The package's `name` (lower-case identifier), if given.
    public var name: String?
    /// The package's human-readable `title`, if given.
    public var title: String?
    /// The package's `description`, if given.
    public var description: String?
    /// The package's `version`, if given.
    public var version: String?
    /// The tabular resources, in the order of the descriptor.
    public var resources: [DataResource]

    public init(name: String? = nil, title: String? = nil, description: String? = nil, version: String? = nil,
                resources: [DataResource]) {
        self.name = name
        self.title = title
        self.description = description
        self.version = version
        self.resources = resources
    }

    /// The resource named `name` (exact match), or nil.
    public func resource(_ name: String) -> DataResource? { resources.first { $0.name == name } }
}

/// One tabular resource of a package: a CSV file and its Table Schema.
public struct DataResource: Sendable, Equatable, Codable {
    /// The resource `name`, used by foreign keys (`reference.resource`).
    public var name: String
    /// The CSV file, relative to the folder of `datapackage.json` (POSIX separators).
    public var path: String
    public var title: String?
    public var description: String?
    public var schema: TableSchema

    public init(name: String, path: String, title: String? = nil, description: String? = nil, schema: TableSchema) {
        self.name = name
        self.path = path
        self.title = title
        self.description = description
        self.schema = schema
    }
}

/// A Frictionless Table Schema: the fields (columns) in order, the cell texts that mean "missing",
/// the primary key and the foreign keys.
public struct TableSchema: Sendable, Equatable, Codable {
    public var fields: [SchemaField]
    /// Cell texts read as a missing value (compared before any trimming beyond the CSV reader's);
    /// the specification's default is `[""]`.
    public var missingValues: [String]
    /// The field names whose values together identify a row (empty when the schema has none).
    public var primaryKey: [String]
    public var foreignKeys: [ForeignKey]

    public init(fields: [SchemaField], missingValues: [String] = [""], primaryKey: [String] = [], foreignKeys: [ForeignKey] = []) {
        self.fields = fields
        self.missingValues = missingValues
        self.primaryKey = primaryKey
        self.foreignKeys = foreignKeys
    }

    /// The field named `name` (exact match), or nil.
    public func field(_ name: String) -> SchemaField? { fields.first { $0.name == name } }
}

/// A foreign key: the values of `fields` in each row must occur as values of `referencedFields` in
/// the resource `resource` (the same resource when `resource` is empty, as the specification says).
public struct ForeignKey: Sendable, Equatable, Codable {
    public var fields: [String]
    public var resource: String
    public var referencedFields: [String]

    public init(fields: [String], resource: String, referencedFields: [String]) {
        self.fields = fields
        self.resource = resource
        self.referencedFields = referencedFields
    }
}

/// One field (column) of a Table Schema.
public struct SchemaField: Sendable, Equatable, Codable {
    public var name: String
    public var type: FieldType
    /// The `format` of a string field (`default`, `uri`, `email`), or nil.
    public var format: String?
    public var title: String?
    public var description: String?
    public var constraints: FieldConstraints

    public init(name: String, type: FieldType = .string, format: String? = nil, title: String? = nil,
                description: String? = nil, constraints: FieldConstraints = FieldConstraints()) {
        self.name = name
        self.type = type
        self.format = format
        self.title = title
        self.description = description
        self.constraints = constraints
    }
}

/// The field types SurvMeta's validator reads, with the Table Schema's lexical forms:
/// - `string`: any text;
/// - `integer`: an optional sign and decimal digits (`-12`, `+3`, `0042`);
/// - `number`: an optional sign, digits with an optional fraction and exponent (`0.95`, `.5`, `1e-3`),
///   or `NaN`, `INF`, `-INF` (allowed by the specification, but rejected by SurvMeta's domain rules);
/// - `year`: four digits;
/// - `boolean`: `true`, `True`, `TRUE`, `1` or `false`, `False`, `FALSE`, `0` (the default `trueValues`
///   and `falseValues`);
/// - `date`: an ISO 8601 calendar date `YYYY-MM-DD` that exists (the default format).
public enum FieldType: String, Sendable, Equatable, Codable, CaseIterable {
    case string, integer, number, year, boolean, date

    /// What a cell of this type looks like, for messages ("an integer").
    public var expectation: String {
        switch self {
        case .string: return "text"
        case .integer: return "an integer (digits with an optional sign)"
        case .number: return "a number (digits with an optional '.' fraction and exponent)"
        case .year: return "a four-digit year"
        case .boolean: return "true or false"
        case .date: return "a date written YYYY-MM-DD"
        }
    }
}

/// The constraints of a field. `enumValues`, `minimum` and `maximum` keep the descriptor's literals;
/// they are read as the field's type (`TableValue`) when the package is parsed, so a literal that does
/// not fit the type is reported then.
public struct FieldConstraints: Sendable, Equatable, Codable {
    /// Every row must have a (non-missing) value.
    public var required: Bool
    /// No two rows may have the same (non-missing) value.
    public var unique: Bool
    /// The allowed values, if restricted.
    public var enumValues: [SchemaLiteral]?
    public var minimum: SchemaLiteral?
    public var maximum: SchemaLiteral?
    /// A regular expression that the whole text of a string cell must match (implicitly anchored,
    /// as in XML Schema).
    public var pattern: String?
    /// Bounds on the length (in characters) of a string cell.
    public var minLength: Int?
    public var maxLength: Int?

    public init(required: Bool = false, unique: Bool = false, enumValues: [SchemaLiteral]? = nil,
                minimum: SchemaLiteral? = nil, maximum: SchemaLiteral? = nil, pattern: String? = nil,
                minLength: Int? = nil, maxLength: Int? = nil) {
        self.required = required
        self.unique = unique
        self.enumValues = enumValues
        self.minimum = minimum
        self.maximum = maximum
        self.pattern = pattern
        self.minLength = minLength
        self.maxLength = maxLength
    }
}

/// A JSON scalar of a schema descriptor (an `enum` entry, a `minimum` or `maximum`).
public enum SchemaLiteral: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    case string(String)
    case number(Double)
    case bool(Bool)

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let b = try? container.decode(Bool.self) { self = .bool(b); return }
        if let x = try? container.decode(Double.self) { self = .number(x); return }
        self = .string(try container.decode(String.self))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let s): try container.encode(s)
        case .number(let x): try container.encode(x)
        case .bool(let b): try container.encode(b)
        }
    }

    /// The literal as written in a message: strings as they are, numbers in shortest form.
    public var description: String {
        switch self {
        case .string(let s): return s
        case .number(let x): return x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
        case .bool(let b): return b ? "true" : "false"
        }
    }

    /// The literal read as a value of `type`: a string literal is cast from its text, a number
    /// literal must be integral for `integer`/`year`; nil when it does not fit.
    public func value(as type: FieldType) -> TableValue? {
        switch self {
        case .string(let s): return type.cast(s)
        case .number(let x):
            switch type {
            case .number: return .number(x)
            case .integer: return x == x.rounded() && abs(x) < 9e15 ? .integer(Int(x)) : nil
            case .year: return x == x.rounded() && x >= 0 && x <= 9999 ? .year(Int(x)) : nil
            default: return nil
            }
        case .bool(let b): return type == .boolean ? .boolean(b) : nil
        }
    }
}
