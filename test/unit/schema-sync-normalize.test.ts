/**
 * Schema sync's spelling rules (runtime/schema-sync/normalize.ts) and which type changes keep every
 * value (runtime/schema-sync/widening.ts). Pure: no database.
 */
import { describe, expect, it } from "vitest";
import { liveDefault, normalizeCollation, normalizeType, sameDefault, sameType } from "../../runtime/schema-sync/normalize.js";
import { isWidening } from "../../runtime/schema-sync/widening.js";

describe("normalizeType / sameType", () => {
  it("drops integer display widths (MariaDB int(11) is MySQL 8 int)", () => {
    expect(normalizeType("int(11)")).toBe("int");
    expect(sameType("int", "int(11)", "mariadb")).toBe(true);
    expect(sameType("int", "int", "mysql")).toBe(true);
    expect(sameType("smallint unsigned", "smallint(5) unsigned", "mariadb")).toBe(true);
  });

  it("drops the display width before unsigned (bigint(20) unsigned is bigint unsigned)", () => {
    expect(normalizeType("bigint(20) unsigned")).toBe("bigint unsigned");
    expect(sameType("bigint unsigned", "bigint(20) unsigned", "mariadb")).toBe(true);
    expect(sameType("bigint unsigned", "bigint", "mysql")).toBe(false);
  });

  it("treats tinyint(1), tinyint(4) and tinyint as one type", () => {
    expect(sameType("tinyint(1)", "tinyint(4)", "mariadb")).toBe(true);
    expect(sameType("tinyint(1)", "tinyint(1)", "mysql")).toBe(true);
    expect(sameType("tinyint(1)", "tinyint", "mysql")).toBe(true);
    expect(sameType("tinyint(1)", "smallint", "mysql")).toBe(false);
  });

  it("drops a zero fractional-seconds precision (datetime(0) is datetime)", () => {
    expect(normalizeType("datetime(0)")).toBe("datetime");
    expect(sameType("datetime", "datetime(0)", "mariadb")).toBe(true);
    expect(sameType("datetime", "datetime(6)", "mysql")).toBe(false);
  });

  it("spells decimal with both precision and scale", () => {
    expect(normalizeType("decimal")).toBe("decimal(10,0)");
    expect(normalizeType("decimal(10)")).toBe("decimal(10,0)");
    expect(normalizeType("decimal(10, 2)")).toBe("decimal(10,2)");
    expect(sameType("decimal(10,0)", "decimal(10)", "mysql")).toBe(true);
    expect(sameType("decimal(10,0)", "decimal", "mariadb")).toBe(true);
    expect(sameType("decimal(10,2)", "decimal(10,0)", "mysql")).toBe(false);
  });

  it("folds the case of type keywords", () => {
    expect(normalizeType("VARCHAR(100)")).toBe("varchar(100)");
    expect(sameType("varchar(100)", "VARCHAR(100)", "mysql")).toBe(true);
    expect(sameType("varchar(100)", "varchar(101)", "mysql")).toBe(false);
  });

  it("keeps the case of enum values while folding the keyword", () => {
    expect(normalizeType("ENUM('A','b')")).toBe("enum('A','b')");
    expect(sameType("enum('A','b')", "ENUM('A','b')", "mysql")).toBe(true);
    expect(sameType("enum('A','b')", "enum('a','b')", "mysql")).toBe(false);
    expect(sameType("enum('A','b')", "enum('a','b')", "mariadb")).toBe(false);
  });

  it("accepts MariaDB's longtext for json, on MariaDB only", () => {
    expect(sameType("json", "longtext", "mariadb")).toBe(true);
    expect(sameType("json", "longtext", "mysql")).toBe(false);
    expect(sameType("json", "json", "mysql")).toBe(true);
    expect(sameType("longtext", "json", "mariadb")).toBe(false);
  });
});

describe("liveDefault", () => {
  it("passes MariaDB's quoted string literals through", () => {
    expect(liveDefault("'active'", "varchar(20)", "mariadb", false)).toBe("'active'");
    expect(liveDefault("'it''s'", "varchar(20)", "mariadb", false)).toBe("'it''s'");
    expect(liveDefault("0", "int(11)", "mariadb", false)).toBe("0");
  });

  it("reads MariaDB's NULL text (a nullable column's implicit default) as no default", () => {
    expect(liveDefault("NULL", "varchar(20)", "mariadb", false)).toBeUndefined();
    expect(liveDefault("NULL", "int(11)", "mariadb", false)).toBeUndefined();
  });

  it("reads SQL NULL as no default on both servers", () => {
    expect(liveDefault(null, "varchar(20)", "mariadb", false)).toBeUndefined();
    expect(liveDefault(null, "varchar(20)", "mysql", false)).toBeUndefined();
    expect(liveDefault(null, "int", "mysql", false)).toBeUndefined();
  });

  it("quotes MySQL 8's bare literals for string, enum, set and date types", () => {
    expect(liveDefault("active", "varchar(20)", "mysql", false)).toBe("'active'");
    expect(liveDefault("it's", "varchar(20)", "mysql", false)).toBe("'it''s'");
    expect(liveDefault("paid", "enum('new','paid')", "mysql", false)).toBe("'paid'");
    expect(liveDefault("a,b", "set('a','b','c')", "mysql", false)).toBe("'a,b'");
    expect(liveDefault("2020-01-02", "date", "mysql", false)).toBe("'2020-01-02'");
    expect(liveDefault("2020-01-02 03:04:05", "datetime", "mysql", false)).toBe("'2020-01-02 03:04:05'");
    expect(liveDefault("", "char(2)", "mysql", false)).toBe("''");
  });

  it("leaves MySQL 8's numeric defaults bare", () => {
    expect(liveDefault("0", "int", "mysql", false)).toBe("0");
    expect(liveDefault("1", "tinyint(1)", "mysql", false)).toBe("1");
    expect(liveDefault("1.50", "decimal(10,2)", "mysql", false)).toBe("1.50");
    expect(liveDefault("-3", "bigint", "mysql", false)).toBe("-3");
  });

  it("leaves MySQL 8's expression defaults (DEFAULT_GENERATED) unquoted", () => {
    expect(liveDefault("CURRENT_TIMESTAMP", "datetime", "mysql", true)).toBe("CURRENT_TIMESTAMP");
    expect(liveDefault("uuid()", "varchar(36)", "mysql", true)).toBe("uuid()");
  });
});

describe("sameDefault", () => {
  it("compares numeric defaults by value", () => {
    expect(sameDefault("1.5", "1.50", "decimal(10,2)")).toBe(true);
    expect(sameDefault("0", "0", "int")).toBe(true);
    expect(sameDefault("1", "2", "int")).toBe(false);
  });

  it("compares string defaults exactly, case included", () => {
    expect(sameDefault("'a'", "'a'", "varchar(10)")).toBe(true);
    expect(sameDefault("'a'", "'A'", "varchar(10)")).toBe(false);
    expect(sameDefault("'1.5'", "'1.50'", "varchar(10)")).toBe(false);
  });

  it("tells no default from a default", () => {
    expect(sameDefault(undefined, undefined, "varchar(10)")).toBe(true);
    expect(sameDefault(undefined, "'x'", "varchar(10)")).toBe(false);
    expect(sameDefault("'x'", undefined, "varchar(10)")).toBe(false);
    expect(sameDefault(undefined, "0", "int")).toBe(false);
  });
});

describe("normalizeCollation", () => {
  it("spells MySQL 8's utf8mb3 as utf8", () => {
    expect(normalizeCollation("utf8mb3_general_ci")).toBe("utf8_general_ci");
    expect(normalizeCollation("utf8mb3")).toBe("utf8");
  });

  it("folds case and leaves utf8mb4 alone", () => {
    expect(normalizeCollation("UTF8MB4_UNICODE_CI")).toBe("utf8mb4_unicode_ci");
    expect(normalizeCollation("utf8mb4_bin")).toBe("utf8mb4_bin");
  });
});

describe("isWidening", () => {
  it("accepts the same type however it is spelled", () => {
    expect(isWidening("int(11)", "int")).toBe(true);
    expect(isWidening("bigint(20) unsigned", "bigint unsigned")).toBe(true);
  });

  describe("integers", () => {
    it("accepts a larger integer of the same signedness", () => {
      expect(isWidening("tinyint", "smallint")).toBe(true);
      expect(isWidening("int", "bigint")).toBe(true);
      expect(isWidening("smallint unsigned", "int unsigned")).toBe(true);
      expect(isWidening("int(11)", "bigint")).toBe(true);
    });

    it("rejects a smaller integer", () => {
      expect(isWidening("bigint", "int")).toBe(false);
      expect(isWidening("int unsigned", "smallint unsigned")).toBe(false);
    });

    it("accepts unsigned to a larger signed integer", () => {
      expect(isWidening("int unsigned", "bigint")).toBe(true);
      expect(isWidening("tinyint unsigned", "smallint")).toBe(true);
    });

    it("rejects unsigned to a signed integer of the same size", () => {
      expect(isWidening("int unsigned", "int")).toBe(false);
      expect(isWidening("bigint unsigned", "bigint")).toBe(false);
    });

    it("rejects signed to unsigned, even when larger", () => {
      expect(isWidening("int", "int unsigned")).toBe(false);
      expect(isWidening("tinyint", "bigint unsigned")).toBe(false);
    });

    it("rejects an integer to another kind of type", () => {
      expect(isWidening("int", "varchar(255)")).toBe(false);
      expect(isWidening("int", "decimal(20,0)")).toBe(false);
    });
  });

  describe("strings", () => {
    it("accepts a longer varchar and rejects a shorter one", () => {
      expect(isWidening("varchar(100)", "varchar(200)")).toBe(true);
      expect(isWidening("varchar(200)", "varchar(100)")).toBe(false);
      expect(isWidening("char(10)", "varchar(10)")).toBe(true);
    });

    it("accepts varchar to a text type that holds it", () => {
      expect(isWidening("varchar(255)", "mediumtext")).toBe(true);
      expect(isWidening("varchar(255)", "text")).toBe(true);
      expect(isWidening("varchar(100)", "longtext")).toBe(true);
    });

    it("rejects varchar to a text type too small for it in utf8mb4", () => {
      // tinytext holds 255 bytes: 63 four-byte characters.
      expect(isWidening("varchar(100)", "tinytext")).toBe(false);
    });

    it("rejects mediumtext to varchar", () => {
      expect(isWidening("mediumtext", "varchar(255)")).toBe(false);
      expect(isWidening("mediumtext", "varchar(16383)")).toBe(false);
    });

    it("rejects a text type to a varchar shorter than the bytes it may hold", () => {
      // A tinytext holds up to 255 one-byte characters; a varchar(100) keeps 100 of them.
      expect(isWidening("tinytext", "varchar(100)")).toBe(false);
      expect(isWidening("text", "varchar(16383)")).toBe(false);
    });

    it("orders the text family tinytext < text < mediumtext < longtext", () => {
      expect(isWidening("tinytext", "text")).toBe(true);
      expect(isWidening("text", "mediumtext")).toBe(true);
      expect(isWidening("mediumtext", "longtext")).toBe(true);
      expect(isWidening("longtext", "mediumtext")).toBe(false);
      expect(isWidening("mediumtext", "text")).toBe(false);
      expect(isWidening("text", "tinytext")).toBe(false);
    });

    it("orders the blob family tinyblob < blob < mediumblob < longblob", () => {
      expect(isWidening("tinyblob", "blob")).toBe(true);
      expect(isWidening("blob", "mediumblob")).toBe(true);
      expect(isWidening("mediumblob", "longblob")).toBe(true);
      expect(isWidening("longblob", "blob")).toBe(false);
      expect(isWidening("mediumblob", "blob")).toBe(false);
    });

    it("never crosses between text and blob", () => {
      expect(isWidening("varchar(10)", "blob")).toBe(false);
      expect(isWidening("varchar(10)", "longblob")).toBe(false);
      expect(isWidening("blob", "longtext")).toBe(false);
      expect(isWidening("text", "longblob")).toBe(false);
    });

    it("rejects a string to a number", () => {
      expect(isWidening("varchar(10)", "int")).toBe(false);
    });
  });

  describe("decimals", () => {
    it("accepts more digits or more scale that keep the integer digits", () => {
      expect(isWidening("decimal(10,2)", "decimal(12,2)")).toBe(true);
      expect(isWidening("decimal(10,2)", "decimal(11,3)")).toBe(true);
      expect(isWidening("decimal(10)", "decimal(12,2)")).toBe(true);
    });

    it("rejects fewer integer digits or a smaller scale", () => {
      expect(isWidening("decimal(12,2)", "decimal(10,2)")).toBe(false);
      expect(isWidening("decimal(10,2)", "decimal(10,3)")).toBe(false);
      expect(isWidening("decimal(10,3)", "decimal(12,2)")).toBe(false);
    });

    it("accepts unsigned to signed and rejects signed to unsigned", () => {
      expect(isWidening("decimal(10,2) unsigned", "decimal(10,2)")).toBe(true);
      expect(isWidening("decimal(10,2)", "decimal(10,2) unsigned")).toBe(false);
      expect(isWidening("decimal(10,2) unsigned", "decimal(12,2) unsigned")).toBe(true);
    });

    it("rejects a decimal to another kind of type", () => {
      expect(isWidening("decimal(10,2)", "double")).toBe(false);
    });
  });

  describe("floats", () => {
    it("accepts float to double and rejects double to float", () => {
      expect(isWidening("float", "double")).toBe(true);
      expect(isWidening("double", "float")).toBe(false);
    });

    it("accepts unsigned to signed and rejects signed to unsigned", () => {
      expect(isWidening("float unsigned", "double")).toBe(true);
      expect(isWidening("float", "double unsigned")).toBe(false);
    });

    it("rejects a float to another kind of type", () => {
      expect(isWidening("double", "decimal(30,10)")).toBe(false);
    });
  });

  describe("enum and set", () => {
    it("accepts an enum gaining values, at the end or in the middle", () => {
      expect(isWidening("enum('a','b')", "enum('a','b','c')")).toBe(true);
      expect(isWidening("enum('a','c')", "enum('a','b','c')")).toBe(true);
    });

    it("rejects an enum losing or renaming a value", () => {
      expect(isWidening("enum('a','b','c')", "enum('a','b')")).toBe(false);
      expect(isWidening("enum('a','b')", "enum('a','x')")).toBe(false);
      expect(isWidening("enum('a','b')", "enum('A','b')")).toBe(false);
    });

    it("accepts a set gaining values and rejects one losing values", () => {
      expect(isWidening("set('a','b')", "set('a','x','b')")).toBe(true);
      expect(isWidening("set('a','b')", "set('a')")).toBe(false);
    });

    it("reads doubled quotes inside values", () => {
      expect(isWidening("enum('it''s')", "enum('it''s','x')")).toBe(true);
      expect(isWidening("enum('it''s')", "enum('its','x')")).toBe(false);
    });

    it("rejects enum to set and set to enum", () => {
      expect(isWidening("enum('a','b')", "set('a','b')")).toBe(false);
      expect(isWidening("set('a','b')", "enum('a','b')")).toBe(false);
    });

    it("rejects an enum to varchar", () => {
      expect(isWidening("enum('a','b')", "varchar(10)")).toBe(false);
    });
  });

  describe("dates", () => {
    it("accepts date to datetime and rejects datetime to date", () => {
      expect(isWidening("date", "datetime")).toBe(true);
      expect(isWidening("datetime", "date")).toBe(false);
    });

    it("rejects a date to a string", () => {
      expect(isWidening("date", "varchar(20)")).toBe(false);
    });
  });
});
