// The catalog's rules in the reader's browser: window.careCatalog.decide(kind, facts) answers
// exactly as the Python library's cat.decide(...) does, from the same YAML rules.
//
// The rules themselves are compiled from the catalog at build time (static/rules-data.js, made
// by engine.rules.js and engine.site.bundle); this file is the small runtime they call (R) and
// the decision procedure around them: checking the facts, deriving the terms, trying the rules
// in order. Values: a number is its decimal text as Python writes it ("12", "2.50") and is
// computed exactly; money is {amount: "739", currency: "USD"}; a date is its day number
// (Python's date.toordinal()); a datetime and a duration are microseconds (BigInt), a datetime
// counted from 0001-01-01T00:00; a period is whole months. No dependency, no network.
(function () {
  "use strict";

  var DAY_US = 86400000000n;
  var MAX_ORDINAL = 3652059; // 9999-12-31
  var MAX_DATETIME = BigInt(MAX_ORDINAL) * DAY_US - 1n; // 9999-12-31T23:59:59.999999
  var MAX_COUNT = 10000;

  // -- errors: the Python library's, by name and text -----------------------------------------

  function Problem(kind, message) {
    var error = new Error(message);
    error.name = kind; // "FactError" or "LookupProblem", as the Python exceptions
    return error;
  }

  function EvalError(message) {
    var error = new Error(message);
    error.name = "EvalError"; // an ArithmeticError, OverflowError or ValueError in Python
    return error;
  }

  // -- exact decimals, with Python's decimal semantics for +, -, comparison and text -----------

  var DECIMAL = /^([+-]?)(?:(\d(?:_?\d)*)(?:\.(\d(?:_?\d)*)?)?|\.(\d(?:_?\d)*))(?:[eE]([+-]?\d(?:_?\d)*))?$/;

  function parseDecimal(text) {
    var m = DECIMAL.exec(text);
    if (!m) {
      return null;
    }
    var whole = (m[2] || "").replace(/_/g, "");
    var frac = (m[3] || m[4] || "").replace(/_/g, "");
    var exp = m[5] ? parseInt(m[5].replace(/_/g, ""), 10) : 0;
    return { neg: m[1] === "-", c: BigInt(whole + frac || "0"), e: exp - frac.length };
  }

  function num(text) {
    var d = parseDecimal(String(text));
    if (d === null) {
      throw EvalError("not a number: " + text);
    }
    return d;
  }

  function decimalText(d) {
    // Python's Decimal.__str__ (scientific notation only where Python uses it).
    var digits = d.c.toString();
    var left = d.e + digits.length;
    var sign = d.neg ? "-" : "";
    var dot;
    if (d.e <= 0 && left > -6) {
      dot = left;
    } else {
      dot = 1;
    }
    var intPart;
    var fracPart;
    if (dot <= 0) {
      intPart = "0";
      fracPart = "." + "0".repeat(-dot) + digits;
    } else if (dot >= digits.length) {
      intPart = digits + "0".repeat(dot - digits.length);
      fracPart = "";
    } else {
      intPart = digits.slice(0, dot);
      fracPart = "." + digits.slice(dot);
    }
    var exp = left - dot;
    var tail = exp === 0 ? "" : "E" + (exp > 0 ? "+" : "-") + Math.abs(exp);
    return sign + intPart + fracPart + tail;
  }

  function scaled(d, e) {
    var c = d.c * 10n ** BigInt(d.e - e);
    return d.neg ? -c : c;
  }

  function add(a, b, sign) {
    var x = num(a);
    var y = num(b);
    if (sign < 0) {
      y = { neg: !y.neg, c: y.c, e: y.e };
    }
    var e = Math.min(x.e, y.e);
    var total = scaled(x, e) + scaled(y, e);
    var neg = total < 0n || (total === 0n && x.neg && y.neg);
    return decimalText({ neg: neg, c: total < 0n ? -total : total, e: e });
  }

  function neg(a) {
    var x = num(a);
    if (x.c === 0n) {
      return decimalText({ neg: false, c: 0n, e: x.e }); // -Decimal("0") is Decimal("0")
    }
    return decimalText({ neg: !x.neg, c: x.c, e: x.e });
  }

  function compareNumbers(a, b) {
    var x = num(a);
    var y = num(b);
    var e = Math.min(x.e, y.e);
    var d = scaled(x, e) - scaled(y, e);
    return d < 0n ? -1 : d > 0n ? 1 : 0;
  }

  function isWhole(text) {
    var x = num(text);
    return x.e >= 0 || x.c % 10n ** BigInt(-x.e) === 0n;
  }

  function toInt(text) {
    var x = num(text);
    var c = x.e >= 0 ? x.c * 10n ** BigInt(x.e) : x.c / 10n ** BigInt(-x.e);
    return Number(x.neg ? -c : c);
  }

  // -- calendar days (proleptic Gregorian, as Python's date) -----------------------------------

  function isLeap(y) {
    return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  }

  function monthDays(y, m) {
    return [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
  }

  function daysBeforeYear(y) {
    var p = y - 1;
    return p * 365 + Math.floor(p / 4) - Math.floor(p / 100) + Math.floor(p / 400);
  }

  function ordinal(y, m, d) {
    var days = daysBeforeYear(y) + d;
    for (var i = 1; i < m; i += 1) {
      days += monthDays(y, i);
    }
    return days;
  }

  function civil(n) {
    // The (year, month, day) of day number n (1 = 0001-01-01).
    var y = Math.floor((n - 1) / 365.2425) + 1;
    while (daysBeforeYear(y) >= n) {
      y -= 1;
    }
    while (daysBeforeYear(y + 1) < n) {
      y += 1;
    }
    var rest = n - daysBeforeYear(y);
    var m = 1;
    while (rest > monthDays(y, m)) {
      rest -= monthDays(y, m);
      m += 1;
    }
    return [y, m, rest];
  }

  function pad(n, width) {
    var s = String(n);
    while (s.length < width) {
      s = "0" + s;
    }
    return s;
  }

  function dateText(n) {
    var c = civil(n);
    return pad(c[0], 4) + "-" + pad(c[1], 2) + "-" + pad(c[2], 2);
  }

  function datetimeText(us) {
    var day = Number(us / DAY_US) + 1;
    var rest = us % DAY_US;
    var micro = Number(rest % 1000000n);
    var seconds = Number(rest / 1000000n);
    var text =
      dateText(day) +
      "T" +
      pad(Math.floor(seconds / 3600), 2) +
      ":" +
      pad(Math.floor(seconds / 60) % 60, 2) +
      ":" +
      pad(seconds % 60, 2);
    return micro ? text + "." + pad(micro, 6) : text;
  }

  function addMonths(n, months) {
    // Python's add_months: the same day of the month, clamped to the month's last day.
    var c = civil(n);
    var index = c[0] * 12 + (c[1] - 1) + months;
    var y = Math.floor(index / 12);
    var m = index - y * 12 + 1;
    if (y < 1 || y > 9999) {
      return null;
    }
    return ordinal(y, m, Math.min(c[2], monthDays(y, m)));
  }

  function floorDiv(a, b) {
    var q = a / b;
    return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
  }

  var R = {
    num: function (text) {
      return decimalText(num(text));
    },
    add: add,
    neg: neg,
    money: function (a, b, sign) {
      if (a.currency !== b.currency) {
        throw EvalError("cannot combine " + a.currency + " with '" + b.currency + "'");
      }
      return { amount: add(a.amount, b.amount, sign), currency: a.currency };
    },
    duration: function (us) {
      var days = floorDiv(us, DAY_US);
      if (days > 999999999n || days < -999999999n) {
        throw EvalError("days=" + days + "; must have magnitude <= 999999999");
      }
      return us;
    },
    shift: function (kind, moment, months) {
      if (kind === "date") {
        var day = addMonths(moment, months);
        return day === null ? (months > 0 ? MAX_ORDINAL : 1) : day;
      }
      var date = Number(moment / DAY_US) + 1;
      var shifted = addMonths(date, months);
      if (shifted === null) {
        return months > 0 ? MAX_DATETIME : 0n;
      }
      return BigInt(shifted - 1) * DAY_US + (moment % DAY_US);
    },
    move: function (kind, moment, us, sign) {
      var delta = sign < 0 ? -us : us;
      if (kind === "date") {
        var day = moment + Number(floorDiv(delta, DAY_US));
        return day < 1 || day > MAX_ORDINAL ? (delta > 0n ? MAX_ORDINAL : 1) : day;
      }
      var later = moment + delta;
      return later < 0n || later > MAX_DATETIME ? (delta > 0n ? MAX_DATETIME : 0n) : later;
    },
    eq: function (kind, a, b) {
      if (a === null || b === null) {
        return a === b;
      }
      if (kind === "number") {
        return compareNumbers(a, b) === 0;
      }
      if (kind === "money") {
        return a.currency === b.currency && compareNumbers(a.amount, b.amount) === 0;
      }
      if (kind.indexOf("list:") === 0) {
        var item = kind.slice(5);
        return (
          a.length === b.length &&
          a.every(function (x, i) {
            return R.eq(item, x, b[i]);
          })
        );
      }
      if (typeof a === "object") {
        return JSON.stringify(a) === JSON.stringify(b);
      }
      return a === b;
    },
    has: function (kind, item, list) {
      return list.some(function (x) {
        return R.eq(kind, item, x);
      });
    },
    cmp: function (kind, a, b) {
      if (kind === "number") {
        return compareNumbers(a, b);
      }
      if (kind === "money") {
        var byAmount = compareNumbers(a.amount, b.amount);
        return byAmount || codePointCompare(a.currency, b.currency);
      }
      return codePointCompare(a, b);
    },
    fn: {
      date: function (c, moment) {
        return Number(moment / DAY_US) + 1;
      },
      coalesce: function (c, value, fallback) {
        return value === null ? fallback : value;
      },
      min: function (c, a, b) {
        return compareNumbers(b, a) < 0 ? b : a;
      },
      max: function (c, a, b) {
        return compareNumbers(b, a) > 0 ? b : a;
      },
      replacement_fee: function (c, n) {
        return isWhole(n) ? fee(c, toInt(n), false) : null;
      },
      flyaway_fee: function (c) {
        return fee(c, 1, true);
      },
    },
  };

  function codePointCompare(a, b) {
    var x = Array.from(a);
    var y = Array.from(b);
    for (var i = 0; i < Math.min(x.length, y.length); i += 1) {
      var d = x[i].codePointAt(0) - y[i].codePointAt(0);
      if (d) {
        return d < 0 ? -1 : 1;
      }
    }
    return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
  }

  // -- the catalog: look-ups the rules and the facts need --------------------------------------

  var data = null; // window.careCatalogData, read on first use

  function catalog() {
    if (data === null) {
      data = window.careCatalogData;
      if (!data) {
        throw new Error("the catalog's rules are not loaded (static/rules-data.js)");
      }
    }
    return data;
  }

  function versionOn(plan, day) {
    var found = null;
    plan.versions.forEach(function (v) {
      if (v.start <= day) {
        found = v;
      }
    });
    return found;
  }

  function fee(c, number, flyaway) {
    // The published fee under the policy's terms, or null (as the Python fee functions).
    var cat = catalog();
    var product = cat.products[c.product.id];
    var plan = cat.plans[c.plan.id];
    var version = versionOn(plan, c.policy_start);
    if (version === null || number < 1) {
      return null;
    }
    var allowance = version.allowances[product.category];
    if (allowance && number > allowance[0]) {
      return null;
    }
    var candidates = product.offers[c.plan.id + " " + c.region.id] || [];
    // An offer: [terms day or null, doubtful, currency, flat, fees, flyaway fee].
    function pick(offer) {
      if (flyaway) {
        return offer[5];
      }
      if (!offer[4].length) {
        return null;
      }
      if (offer[3]) {
        return offer[4][0];
      }
      return number <= offer[4].length ? offer[4][number - 1] : null;
    }
    var eras = [true, false];
    for (var k = 0; k < eras.length; k += 1) {
      var best = null;
      for (var i = 0; i < candidates.length; i += 1) {
        var offer = candidates[i];
        var fits = eras[k] ? offer[0] === version.start : offer[0] === null;
        if (pick(offer) !== null && fits && (best === null || (!offer[1] && best[1]))) {
          best = offer;
        }
      }
      if (best !== null) {
        return { amount: pick(best), currency: best[2] };
      }
    }
    return null;
  }

  function flyawayEntryOn(product, day) {
    var found = null;
    product.flyaway.forEach(function (e) {
      if (e[0] <= day) {
        found = e;
      }
    });
    return found;
  }

  function listed(product, day) {
    var entry = flyawayEntryOn(product, day);
    return Boolean(entry && entry[1]);
  }

  function unknownUntil(product, day) {
    var now = listed(product, day);
    var next = product.flyaway.find(function (e) {
      return e[0] > day;
    });
    return next && next[2] && next[1] !== now ? next[0] : null;
  }

  // -- suggestions: Python's difflib.get_close_matches ----------------------------------------

  function matchingTotal(a, b) {
    // The sum of the sizes of SequenceMatcher(None, a, b).get_matching_blocks().
    var b2j = {};
    for (var j = 0; j < b.length; j += 1) {
      (b2j[b[j]] = b2j[b[j]] || []).push(j);
    }
    function longest(alo, ahi, blo, bhi) {
      var besti = alo;
      var bestj = blo;
      var bestsize = 0;
      var lengths = {};
      for (var i = alo; i < ahi; i += 1) {
        var next = {};
        var js = b2j[a[i]] || [];
        for (var n = 0; n < js.length; n += 1) {
          var jj = js[n];
          if (jj < blo) {
            continue;
          }
          if (jj >= bhi) {
            break;
          }
          var k = (lengths[jj - 1] || 0) + 1;
          next[jj] = k;
          if (k > bestsize) {
            besti = i - k + 1;
            bestj = jj - k + 1;
            bestsize = k;
          }
        }
        lengths = next;
      }
      return [besti, bestj, bestsize];
    }
    var total = 0;
    var queue = [[0, a.length, 0, b.length]];
    while (queue.length) {
      var q = queue.pop();
      var found = longest(q[0], q[1], q[2], q[3]);
      var size = found[2];
      if (size) {
        total += size;
        if (q[0] < found[0] && q[2] < found[1]) {
          queue.push([q[0], found[0], q[2], found[1]]);
        }
        if (found[0] + size < q[1] && found[1] + size < q[3]) {
          queue.push([found[0] + size, q[1], found[1] + size, q[3]]);
        }
      }
    }
    return total;
  }

  function closeMatches(word, choices, n, cutoff) {
    var scored = [];
    choices.forEach(function (x) {
      var all = x.length + word.length;
      var ratio = all ? (2 * matchingTotal(x, word)) / all : 1;
      if (ratio >= cutoff) {
        scored.push([ratio, x]);
      }
    });
    scored.sort(function (p, q) {
      return q[0] - p[0] || (q[1] > p[1] ? 1 : q[1] < p[1] ? -1 : 0);
    });
    return scored.slice(0, n).map(function (p) {
      return p[1];
    });
  }

  function didYouMean(word, choices) {
    var best = closeMatches(word, choices.slice().sort(), 1, 0.6);
    return best.length ? " (did you mean '" + best[0] + "'?)" : "";
  }

  function unknownId(kind, wanted, known) {
    known = known.slice().sort();
    var close = closeMatches(wanted, known, 3, 0.5);
    var tail = close.length ? "; did you mean " + close.map(pyRepr).join(", ") + "?" : "";
    var shown = known.slice(0, 80).join(", ") + (known.length > 80 ? " … (" + known.length + " in all)" : "");
    return Problem("LookupProblem", "unknown " + kind + " '" + wanted + "'" + tail + "\n  " + kind + "s: " + shown);
  }

  function pyRepr(value) {
    // How Python's repr() writes a fact's value in an error message.
    if (value === null || value === undefined) {
      return "None";
    }
    if (value === true || value === false) {
      return value ? "True" : "False";
    }
    if (typeof value === "number") {
      return String(value);
    }
    if (typeof value !== "string") {
      return String(value);
    }
    var quote = value.indexOf("'") >= 0 && value.indexOf('"') < 0 ? '"' : "'";
    var body = "";
    Array.from(value).forEach(function (ch) {
      var code = ch.codePointAt(0);
      if (ch === "\\" || ch === quote) {
        body += "\\" + ch;
      } else if (ch === "\n") {
        body += "\\n";
      } else if (ch === "\r") {
        body += "\\r";
      } else if (ch === "\t") {
        body += "\\t";
      } else if (code < 32 || code === 127) {
        body += "\\x" + pad(code.toString(16), 2);
      } else {
        body += ch;
      }
    });
    return quote + body + quote;
  }

  // -- facts ----------------------------------------------------------------------------------

  // The forms Python's date.fromisoformat and datetime.fromisoformat (3.11) read, without a
  // time zone: 2024-03-01, 20240301, 2024-W09-5; a time after any one character: 10, 10:30,
  // 10:30:15, 10:30:15.25, 1030, 103015.
  var DATE_TEXT = /^(\d{4})(?:-(\d{2})-(\d{2})|(\d{2})(\d{2})|-?W(\d{2})-?(\d))$/;
  var TIME_TEXT = /^(\d{2})(?:(:?)(\d{2})(?:\2(\d{2})(?:[.,](\d+))?)?)?$/;

  function dayOf(y, m, d) {
    if (y < 1 || m < 1 || m > 12 || d < 1 || d > monthDays(y, m)) {
      return null;
    }
    return ordinal(y, m, d);
  }

  function weekDate(y, week, day) {
    var jan4 = ordinal(y, 1, 4);
    var monday = jan4 - ((jan4 + 6) % 7);
    var jan1 = (ordinal(y, 1, 1) + 6) % 7; // Monday is 0
    var weeks = jan1 === 3 || (jan1 === 2 && isLeap(y)) ? 53 : 52;
    if (week < 1 || week > weeks || day < 1 || day > 7) {
      return null;
    }
    return monday + (week - 1) * 7 + (day - 1);
  }

  function parseDate(text) {
    var m = DATE_TEXT.exec(text);
    if (!m) {
      return null;
    }
    if (m[6] !== undefined) {
      return +m[1] < 1 ? null : weekDate(+m[1], +m[6], +m[7]);
    }
    return m[2] !== undefined ? dayOf(+m[1], +m[2], +m[3]) : dayOf(+m[1], +m[4], +m[5]);
  }

  function parseDatetime(text) {
    var chars = Array.from(text);
    var cut = [10, 8].filter(function (n) {
      return chars.length === n || (chars.length > n + 1 && parseDate(chars.slice(0, n).join("")) !== null);
    })[0];
    if (cut === undefined) {
      return null;
    }
    var date = parseDate(chars.slice(0, cut).join(""));
    if (date === null) {
      return null;
    }
    if (chars.length === cut) {
      return BigInt(date - 1) * DAY_US;
    }
    var m = TIME_TEXT.exec(chars.slice(cut + 1).join(""));
    if (!m) {
      return null;
    }
    var h = +m[1];
    var min = m[3] ? +m[3] : 0;
    var s = m[4] ? +m[4] : 0;
    if (h > 23 || min > 59 || s > 59) {
      return null;
    }
    var micro = m[5] ? +(m[5] + "000000").slice(0, 6) : 0;
    return BigInt(date - 1) * DAY_US + BigInt(((h * 60 + min) * 60 + s) * 1000000 + micro);
  }

  function asciiDigits(text) {
    // Any script's decimal digits as ASCII ones, as Python's Decimal() reads them.
    return text.replace(/\p{Nd}/gu, function (ch) {
      var cp = ch.codePointAt(0);
      var start = cp;
      while (/\p{Nd}/u.test(String.fromCodePoint(start - 1))) {
        start -= 1;
      }
      return String((cp - start) % 10);
    });
  }

  function typeText(spec) {
    return spec.type;
  }

  function record(kind, value) {
    var key = typeof value === "string" ? value : value && typeof value.id === "string" ? value.id : null;
    if (key === null) {
      throw new TypeError();
    }
    var cat = catalog();
    var table = { product: cat.products, plan: cat.plans, region: cat.regions, incident: cat.incidents }[kind];
    if (!Object.prototype.hasOwnProperty.call(table, key)) {
      throw unknownId(kind, key, Object.keys(table));
    }
    var found = table[key];
    if (kind === "product") {
      return { id: key, name: found.name, family: found.family, category: found.category };
    }
    if (kind === "plan") {
      return { id: key, name: found.name };
    }
    if (kind === "region") {
      return { id: key, name: found.name, currency: found.currency, service_area: found.service_area };
    }
    return { id: key, name: found.name, kind: found.kind };
  }

  function coerce(spec, value, ctx) {
    if (value === null || value === undefined) {
      if (spec.name === "product_region" || spec.name === "service_region") {
        return ctx.region === undefined ? null : ctx.region;
      }
      if (spec.nullable) {
        return null;
      }
      throw Problem("FactError", "fact '" + spec.name + "' cannot be null");
    }
    var bad = Problem("FactError", "fact '" + spec.name + "': " + pyRepr(value) + " is not a " + typeText(spec));
    if (spec.record) {
      try {
        return record(spec.type, value);
      } catch (error) {
        if (error instanceof TypeError) {
          throw bad;
        }
        throw error;
      }
    }
    if (spec.type === "datetime" || spec.type === "date") {
      if (typeof value !== "string" && typeof value !== "number") {
        throw bad;
      }
      var text = String(value);
      var parsed = spec.type === "date" ? (text.length === 10 ? parseDate(text) : null) : parseDatetime(text);
      if (parsed === null) {
        throw bad;
      }
      return parsed;
    }
    if (spec.type === "number") {
      if (value === true || value === false || (typeof value !== "string" && typeof value !== "number")) {
        throw Problem("FactError", "fact '" + spec.name + "': " + pyRepr(value) + " is not a whole number from 0 to " + MAX_COUNT);
      }
      var numberText = typeof value === "number" ? String(value) : asciiDigits(value.trim()).replace(/_/g, "");
      if (typeof value === "number" && !isFinite(value)) {
        throw Problem("FactError", "fact '" + spec.name + "': " + pyRepr(value) + " is not a whole number from 0 to " + MAX_COUNT);
      }
      if (/^[+-]?(inf|infinity|s?nan\d*)$/i.test(numberText)) {
        throw Problem("FactError", "fact '" + spec.name + "': " + pyRepr(value) + " is not a whole number from 0 to " + MAX_COUNT);
      }
      var count = parseDecimal(numberText);
      if (count === null) {
        throw bad;
      }
      var countText = decimalText(count);
      if (!isWhole(countText) || compareNumbers(countText, "0") < 0 || compareNumbers(countText, String(MAX_COUNT)) > 0) {
        throw Problem("FactError", "fact '" + spec.name + "': " + pyRepr(value) + " is not a whole number from 0 to " + MAX_COUNT);
      }
      return countText;
    }
    if (spec.type === "bool") {
      if (typeof value === "string" && (value.toLowerCase() === "true" || value.toLowerCase() === "false")) {
        return value.toLowerCase() === "true";
      }
      if (value !== true && value !== false) {
        throw bad;
      }
      return value;
    }
    if (spec.choices.length && spec.choices.indexOf(value) < 0) {
      throw Problem("FactError", "fact '" + spec.name + "' must be one of " + spec.choices.join(", ") + ", not " + pyRepr(value));
    }
    return String(value);
  }

  function context(kind, given) {
    var cat = catalog();
    var decisions = Object.keys(cat.facts);
    if (decisions.indexOf(kind) < 0) {
      throw Problem("FactError", "unknown decision '" + kind + "'" + didYouMean(kind, decisions) + "; decisions: " + decisions.join(", "));
    }
    var specs = cat.facts[kind];
    var names = specs.map(function (s) {
      return s.name;
    });
    var problems = [];
    Object.keys(given).forEach(function (name) {
      if (names.indexOf(name) < 0) {
        problems.push("unknown fact '" + name + "'" + didYouMean(name, names));
      }
    });
    specs.forEach(function (spec) {
      if (spec.required && !(spec.name in given)) {
        problems.push(
          "missing fact '" + spec.name + "' (" + spec.type + (spec.nullable ? " or null" : "") + "): " + spec.description
        );
      }
    });
    var ctx = {};
    specs.forEach(function (spec) {
      if (spec.required && !(spec.name in given)) {
        return;
      }
      try {
        ctx[spec.name] = coerce(spec, spec.name in given ? given[spec.name] : spec.default, ctx);
      } catch (error) {
        if (error.name !== "FactError" && error.name !== "LookupProblem") {
          throw error;
        }
        problems.push(error.message.replace(/\n/g, "\n  "));
      }
    });
    if (problems.length) {
      throw Problem(
        "FactError",
        kind + ": " + problems.length + " problem(s) with the facts:\n  " + problems.join("\n  ") +
          "\n  (facts of " + kind + ": " + names.join(", ") + "; 'care-catalog decide --help' describes them)"
      );
    }
    derive(kind, ctx);
    return ctx;
  }

  function derive(kind, ctx) {
    var cat = catalog();
    var product = cat.products[ctx.product.id];
    var plan = cat.plans[ctx.plan.id];
    ctx.category = product.category;
    if (kind === "purchase") {
      var version = versionOn(plan, R.fn.date(ctx, ctx.now));
      ctx.plan_sold = Boolean(version && version.sold);
      return;
    }
    var day = ctx.policy_start;
    var v = versionOn(plan, day);
    if (v === null) {
      throw Problem("LookupProblem", "plan '" + ctx.plan.id + "' did not exist on " + dateText(day) + "; its first terms start " + dateText(plan.versions[0].start));
    }
    if (!v.sold) {
      throw Problem("LookupProblem", "plan '" + ctx.plan.id + "' was not sold on " + dateText(day) + " (withdrawn from " + dateText(v.start) + ")");
    }
    var allowance = v.allowances[product.category];
    if (!allowance) {
      throw Problem(
        "LookupProblem",
        "plan '" + ctx.plan.id + "' (terms of " + dateText(v.start) + ") publishes no allowance for " +
          cat.categories[product.category].toLowerCase() + " such as '" + ctx.product.id + "'"
      );
    }
    var everListed = product.flyaway.some(function (e) {
      return e[1];
    });
    var flyaway = everListed ? allowance[1] : 0;
    ctx.terms = {
      replacements: String(allowance[0]),
      flyaway_replacements: flyaway === null ? null : String(flyaway),
      term_months: v.term_months === null ? null : String(v.term_months),
      warranty_months: v.warranty_months === null ? null : String(v.warranty_months),
      version_from: v.start,
    };
    if (v.term_months === null) {
      throw Problem("LookupProblem", "plan '" + ctx.plan.id + "' publishes no term length; its cover end is unknown");
    }
    var end = addMonths(day, v.term_months);
    if (end === null) {
      throw EvalError("year is out of range");
    }
    ctx.policy_end = end - 1;
    if (kind === "claim") {
      var known = unknownUntil(product, ctx.incident_on);
      ctx.flyaway_listed = known === null ? listed(product, ctx.incident_on) : null;
      ctx.flyaway_known_by = known;
    }
  }

  // -- a decision -----------------------------------------------------------------------------

  function plain(value) {
    // A value as the Python library writes it in JSON (Decision.to_json).
    if (value === null || typeof value === "boolean") {
      return value;
    }
    if (typeof value === "string" && DECIMAL.test(value)) {
      return isWhole(value) ? toInt(value) : value;
    }
    return value;
  }

  function plainValue(type, value) {
    if (value === null) {
      return null;
    }
    if (type === "number") {
      return isWhole(value) ? toInt(value) : value;
    }
    if (type === "date") {
      return dateText(value);
    }
    if (type === "datetime") {
      return datetimeText(value);
    }
    if (type === "money") {
      return { amount: value.amount, currency: value.currency };
    }
    return plain(value);
  }

  function decide(kind, facts) {
    var cat = catalog();
    var ctx = context(kind, facts || {});
    var plan = cat.plans[ctx.plan.id];
    var day = kind === "claim" ? ctx.policy_start : R.fn.date(ctx, ctx.now);
    var version = versionOn(plan, day);
    if (version === null) {
      throw Problem("LookupProblem", "plan '" + ctx.plan.id + "' did not exist on " + dateText(day) + "; its first terms start " + dateText(plan.versions[0].start));
    }
    var rules = version.decisions[kind];
    if (!rules || !rules.length) {
      throw Problem("LookupProblem", "plan '" + ctx.plan.id + "' has no " + kind + " rules under its terms of " + dateText(version.start));
    }
    var trace = [];
    for (var i = 0; i < rules.length; i += 1) {
      var rule = cat.rules[rules[i]];
      var held;
      var values = {};
      try {
        held = Boolean(rule.when(ctx, R));
        trace.push({ rule: rule.id, held: held, location: rule.location, when: rule.source });
        if (!held) {
          continue;
        }
        rule.values.forEach(function (v) {
          values[v[0]] = plainValue(v[1], v[2](ctx, R));
        });
      } catch (error) {
        if (error.name !== "EvalError") {
          throw error;
        }
        throw Problem("LookupProblem", "rule '" + rule.id + "' (" + rule.location + ") could not be evaluated: " + error.message);
      }
      return {
        decision: kind,
        outcome: rule.outcome,
        rule: rule.id,
        because: rule.because,
        location: rule.location,
        values: values,
        trace: trace,
        // Derived facts a reader is shown beside the answer (Decision.facts in Python).
        facts: ctx.policy_end === undefined ? {} : { policy_end: dateText(ctx.policy_end) },
      };
    }
    throw Problem("LookupProblem", "no " + kind + " rule held (the last rule of a list should be 'when: true')");
  }

  // -- a policy ledger: one unit's cover through claims and renewals (engine.catalog.policy) ----

  function termEnd(start, months) {
    var end = addMonths(start, months);
    if (end === null) {
      throw EvalError("year is out of range");
    }
    return end - 1;
  }

  function openPeriod(planId, productId, start) {
    var cat = catalog();
    var plan = cat.plans[planId];
    var product = cat.products[productId];
    // The terms in force on the start day, with the messages of Catalog.terms.
    var v = versionOn(plan, start);
    if (v === null) {
      throw Problem("LookupProblem", "plan '" + planId + "' did not exist on " + dateText(start) + "; its first terms start " + dateText(plan.versions[0].start));
    }
    if (!v.sold) {
      throw Problem("LookupProblem", "plan '" + planId + "' was not sold on " + dateText(start) + " (withdrawn from " + dateText(v.start) + ")");
    }
    var allowance = v.allowances[product.category];
    if (!allowance) {
      throw Problem(
        "LookupProblem",
        "plan '" + planId + "' (terms of " + dateText(v.start) + ") publishes no allowance for " +
          cat.categories[product.category].toLowerCase() + " such as '" + productId + "'"
      );
    }
    if (v.term_months === null) {
      throw Problem("LookupProblem", "plan '" + planId + "' publishes no term length");
    }
    var everListed = product.flyaway.some(function (e) {
      return e[1];
    });
    return {
      plan: planId,
      start: start,
      end: termEnd(start, v.term_months),
      replacements: allowance[0],
      flyaway: everListed ? allowance[1] : 0,
      warranty_end: v.warranty_months ? termEnd(start, v.warranty_months) : null,
      used: 0,
      flyaway_used: 0,
    };
  }

  function Ledger(facts) {
    var given = facts || {};
    var product = record("product", given.product);
    var plan = record("plan", given.plan);
    var region = record("region", given.region || catalog().default_region);
    var start = parseDate(String(given.start));
    if (start === null) {
      throw Problem("FactError", "the policy's start " + pyRepr(given.start) + " is not a date (YYYY-MM-DD)");
    }
    this.product = product.id;
    this.region = region.id;
    this.periods = [openPeriod(plan.id, product.id, start)];
    this.events = [];
  }

  Ledger.prototype.current = function () {
    return this.periods[this.periods.length - 1];
  };

  Ledger.prototype.periodOn = function (day) {
    return this.periods.find(function (p) {
      return p.start <= day && day <= p.end;
    }) || null;
  };

  Ledger.prototype.coveredMonths = function () {
    var cat = catalog();
    return this.periods.reduce(function (total, p) {
      return total + (versionOn(cat.plans[p.plan], p.start).term_months || 0);
    }, 0);
  };

  Ledger.prototype.status = function (on) {
    var period = this.periodOn(on);
    var state = period === null ? (on < this.periods[0].start ? "not-started" : "expired")
      : period.used >= period.replacements ? "used-up" : "active";
    var flyawayLeft = period === null ? 0 : period.flyaway === null ? null
      : Math.max(0, Math.min(period.flyaway - period.flyaway_used, period.replacements - period.used));
    var warranty = this.periods.map(function (p) { return p.warranty_end; }).filter(function (w) { return w !== null; });
    return {
      on: dateText(on),
      state: state,
      plan: period ? period.plan : null,
      replacements_left: period ? period.replacements - period.used : 0,
      flyaway_left: flyawayLeft,
      cover_end: dateText(this.current().end),
      warranty_end: warranty.length ? dateText(Math.max.apply(null, warranty)) : null,
      covered_months: this.coveredMonths(),
    };
  };

  Ledger.prototype.claim = function (incident, on, rcBound, serviceRegion) {
    var day = on;
    var current = this.current();
    var period = this.periodOn(day) || (day > current.end ? current : this.periods[0]);
    var decision = decide("claim", {
      product: this.product,
      plan: period.plan,
      region: this.region,
      service_region: serviceRegion || this.region,
      policy_start: dateText(period.start),
      incident: incident,
      incident_on: dateText(day),
      replacements_used: period.used,
      flyaway_used: period.flyaway_used,
      rc_bound: rcBound !== false,
    });
    if (decision.outcome === "replacement" || decision.outcome === "flyaway-replacement") {
      period.used += 1;
      if (decision.outcome === "flyaway-replacement") {
        period.flyaway_used += 1;
      }
    }
    this.events.push([day, decision]);
    return decision;
  };

  Ledger.prototype.renew = function (moment) {
    var period = this.current();
    var decision = decide("renewal", {
      product: this.product,
      plan: period.plan,
      region: this.region,
      policy_start: dateText(period.start),
      now: datetimeText(moment),
      covered_months: this.coveredMonths(),
      replacements_left: period.replacements - period.used,
    });
    var day = Number(moment / DAY_US) + 1;
    if (decision.outcome === "eligible") {
      var plan = decision.values.plan;
      if (typeof plan !== "string") {
        throw Problem("LookupProblem", "renewal rule '" + decision.rule + "' (" + decision.location + ") names no plan to buy");
      }
      this.periods.push(openPeriod(plan, this.product, Math.max(period.end + 1, day)));
    }
    this.events.push([day, decision]);
    return decision;
  };

  Ledger.prototype.ending = function (on) {
    var period = this.current();
    if (period.used >= period.replacements) {
      var days = this.events.filter(function (e) {
        return e[1].outcome === "replacement" || e[1].outcome === "flyaway-replacement";
      }).map(function (e) { return e[0]; });
      var usedUp = days.length ? Math.max.apply(null, days) : period.start;
      return { reason: "used-up", on: dateText(usedUp), text: "used up on " + dateText(usedUp) + " (every replacement of the " + period.plan + " taken)" };
    }
    var status = this.status(on);
    var text = "cover ends on " + status.cover_end + " with " + status.replacements_left + " replacement(s) left";
    if (status.warranty_end) {
      text += "; warranty ends on " + status.warranty_end;
    }
    return { reason: "term", on: status.cover_end, text: text };
  };

  function policy(facts, events) {
    // The timeline of `care-catalog policy --json`: events are applied in the order given, each
    // {claim: incident, on: "YYYY-MM-DD", rc_bound: true} or {renew: "YYYY-MM-DD[THH:MM]"}.
    var ledger = new Ledger(facts);
    var timeline = (events || []).map(function (event) {
      var decision;
      var day;
      var label;
      if (event.claim !== undefined) {
        day = parseDate(String(event.on));
        if (day === null) {
          throw Problem("FactError", "a claim's day " + pyRepr(event.on) + " is not a date (YYYY-MM-DD)");
        }
        decision = ledger.claim(event.claim, day, event.rc_bound, event.service_region);
        label = "claim: " + event.claim;
      } else {
        var moment = parseDatetime(String(event.renew));
        if (moment === null) {
          throw Problem("FactError", "a renewal's day " + pyRepr(event.renew) + " is not a date (YYYY-MM-DD)");
        }
        day = Number(moment / DAY_US) + 1;
        decision = ledger.renew(moment);
        label = "renewal";
      }
      return { on: dateText(day), event: label, decision: decision, status: ledger.status(day) };
    });
    var start = ledger.periods[0].start;
    var last = timeline.length ? parseDate(timeline[timeline.length - 1].on) : start;
    last = Math.max(last, start);
    return {
      product: ledger.product,
      plan: ledger.periods[0].plan,
      region: ledger.region,
      start: dateText(start),
      events: timeline,
      status: ledger.status(last),
      ends: ledger.ending(last),
    };
  }

  function formatMoney(money, regionId) {
    // As the Python library writes it for the region's locale (engine.core.money.format_money):
    // rounded half-even to the currency's digits, grouped, with the locale's symbol.
    var region = catalog().regions[regionId];
    var layout = region && region.money;
    if (!layout || money.currency !== region.currency || compareNumbers(money.amount, "0") < 0) {
      return money.amount + " " + money.currency;
    }
    var x = num(money.amount);
    var shift = x.e + layout.digits;
    var units = x.c;
    if (shift >= 0) {
      units = units * 10n ** BigInt(shift);
    } else {
      var div = 10n ** BigInt(-shift);
      var q = units / div;
      var r = units % div;
      if (r * 2n > div || (r * 2n === div && q % 2n === 1n)) {
        q += 1n;
      }
      units = q;
    }
    var digits = units.toString();
    while (digits.length <= layout.digits) {
      digits = "0" + digits;
    }
    var whole = layout.digits ? digits.slice(0, -layout.digits) : digits;
    var fraction = layout.digits ? digits.slice(-layout.digits) : "";
    var groups = [];
    var rest = whole;
    if (rest.length > layout.primary) {
      groups.unshift(rest.slice(-layout.primary));
      rest = rest.slice(0, -layout.primary);
      while (rest) {
        groups.unshift(rest.slice(-layout.secondary));
        rest = rest.slice(0, -layout.secondary);
      }
    } else {
      groups = [rest];
    }
    var text = groups.join(layout.group);
    if (layout.digits) {
      text += layout.decimal + fraction;
    }
    return layout.prefix + text + layout.suffix;
  }

  window.careCatalog = {
    decide: decide,
    policy: policy,
    formatMoney: formatMoney,
    rule: function (location) {
      // A rule by its "file:line": its id, outcome and reason.
      return catalog().rules.find(function (r) {
        return r.location === location;
      });
    },
    facts: function (kind) {
      return catalog().facts[kind];
    },
    formatDate: dateText,
    _runtime: R,
  };
})();
