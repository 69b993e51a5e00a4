package io.coffer.loader;

import io.coffer.model.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a numeric column is a money measure, decided from its values first: numbers under one style with
 * decimals, grouping or currency signs are amounts; identifiers (row numbers, years, fixed-width codes) are
 * not. Header words in the major EU languages and Spanish, Portuguese, Russian, Ukrainian, Arabic and Hebrew
 * raise or lower the score; they never decide alone against the values. Every verdict carries its reasons.
 */
final class MeasureRule {
    /** Amount words (normalised: lower case, no accents). Stems match inside words, for compounds. */
    private static final Pattern AMOUNT_STEM = Pattern.compile("(betrag|ausgabe|kosten|summe|mittel|forderung"
            + "|zuschuss|wartosc|kwota|wydatk|koszt|dofinans|finans|financ|finanz|importo|impegn|stanziam|pagament"
            + "|contribut|iznos|troskov|sredstv|rashod|prihod|proracun|importe|presupuest|gasto|credito|subvenc"
            + "|montant|depense|subvention|bedrag|uitgave|begroting|subsidie|montante|despesa|orcament|valoare"
            + "|cheltuiel|vydaj|prijm|castk|rozpoc|naklad|izmaks|osszeg|tamogat|kostnad|belopp|budget|amount"
            + "|expend|spend|payment|allocat|appropriat|outturn|disburs|commitment|revenue|receipt|grant"
            + "|δαπαν|ποσο|προυπολογ|συνολ|κοστος|πληρωμ|χρηματοδοτ|επιχορηγ|сумм|сума|бюджет|расход|видат"
            + "|итого|всего|всьог|разом|стоимост|вартіст|финансир|фінансув|износ|буџет|מבלג|סכום|תקציב|ביצוע"
            + "|הוצא|עלות|מבלג|مبلغ|ميزاني|اجمالي|إجمالي|مصروف|تكلف)");
    private static final Pattern AMOUNT_WORD = words("value|total|totale|totaal|totaux|ukupno|celkem|razem|suma|sum"
            + "|gesamt|cost|costs|cout|couts|coste|costo|custo|net|gross|vat|tva|mwst|iva|btw|paid|spent|actual"
            + "|actuals|revised|approved|estimate|plan|eur|euro|euros|usd|gbp|pln|czk|huf|ron|hrk|kn|money|price"
            + "|prix|preis|prezzo|precio|valor|valeur|wert|fedr|feder|erdf|efre|esf|fse|efrr|eu|ue|ес|סה כ|סהכ");
    /** Identifier and non-money words: codes, numbers of things, years, rates, positions, counts of people. */
    private static final Pattern NOT_AMOUNT = words("id|ids|code|codes|cod|codigo|codice|kod|kodas|sifra|cislo"
            + "|no|nr|nro|num|numer|numero|nummer|number|ref|reference|referentie|riferimento|referenz|year|years"
            + "|jahr|rok|godina|anno|ano|annee|ετος|год|рік|month|monat|mese|mes|mois|quarter|day|week|postcode"
            + "|zip|plz|cap|phone|telefon|tel|fax|lat|lon|lng|latitude|longitude|percent|percentage|pct|rate"
            + "|ratio|share|rank|level|count|anzahl|liczba|broj|pocet|nombre|participants|teilnehmer|people"
            + "|persons|employees|fte|headcount|population|κωδικος|αριθμος|код|номер|шифра|број|бр|broj|shifra|קוד|מספר|رقم|كود"
            + "|sequence|seq|index|row|line|zeile|wiersz|percentuale|prozent|procent|postotak|tasso|taux");
    private static final Pattern YEARISH_NAME = Pattern.compile("^(fy\\s*)?\\d{4}([-/]\\d{2,4})?$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern PERCENT = Pattern.compile("%|percent|prozent|procent|pourcent|porcentaje"
            + "|percentuale|postotak|ποσοστ|процент|אחוז");

    private MeasureRule() {
    }

    private static Pattern words(String alternatives) {
        return Pattern.compile("(^|.*\\b)(" + alternatives + ")(\\b.*|$)", Pattern.UNICODE_CHARACTER_CLASS);
    }

    /** A verdict with its reasons, shown in the init report. */
    record Verdict(boolean measure, int score, List<String> reasons) {
        String explain() {
            return (measure ? "measure" : "not a measure") + " (score " + score + ": " + String.join(", ", reasons)
                    + ")";
        }
    }

    static Verdict judge(Field f, ColumnProfile p) {
        List<String> why = new ArrayList<>();
        String raw = f.name() + (p != null && p.label() != null ? " " + p.label() : "");
        String w = FiscalSuggester.normalise(raw);
        ColumnProfile.Numbers n = p == null ? null : p.numbers();
        boolean number = f.type().equals("number");
        int score = 0;
        if (PERCENT.matcher(raw.toLowerCase(java.util.Locale.ROOT)).find()) {
            score -= 3;
            why.add("header mentions a percentage");
        }
        if (YEARISH_NAME.matcher(f.name().strip()).matches()) {
            score += 2;
            why.add("header is a year (one budget column per year)");
        }
        if (number) {
            score += 1;
            why.add("decimal numbers");
        }
        if (n != null) {
            if (n.decorated()) {
                score += 3;
                why.add("currency sign or accounting negatives in " + (n.affixCells() + n.parenthesesCells()
                        + n.trailingMinusCells()) + " cells");
            }
            if (n.fractionCells() > 0) {
                score += 1;
                why.add("decimal part in " + n.fractionCells() + " cells");
            }
            if (f.groupChar() != null && !f.groupChar().isEmpty()) {
                score += 1;
                why.add("thousands grouped with '" + f.groupChar() + "'");
            }
            if (n.integerCells() > 0 && n.sequential()) {
                score -= 4;
                why.add("integers counting up by one (a row number)");
            }
            if (f.type().equals("integer")) {
                if (n.minInteger() >= 1900 && n.maxInteger() <= 2100 && n.maxIntWidth() == 4) {
                    score -= 3;
                    why.add("four-digit years");
                } else if (n.minIntWidth() == n.maxIntWidth() && n.maxIntWidth() >= 4 && n.integerCells() > 1
                        && n.negativeCells() == 0) {
                    score -= 2;
                    why.add("every integer " + n.maxIntWidth() + " digits wide (a code)");
                } else if (n.maxInteger() >= 1000 || n.minInteger() <= -1000) {
                    score += 1;
                    why.add("integers of varying width up to " + n.maxInteger());
                } else {
                    score -= 1;
                    why.add("small integers (a count or a level)");
                }
            }
        }
        if (p != null && f.type().equals("integer") && p.maxLength() > 15) {
            score -= 2;
            why.add("more than 15 digits (an identifier)");
        }
        Matcher not = NOT_AMOUNT.matcher(w);
        if (not.matches()) {
            score -= 3;
            why.add("header word '" + not.group(2) + "'");
        }
        Matcher stem = AMOUNT_STEM.matcher(w);
        Matcher word = AMOUNT_WORD.matcher(w);
        if (stem.find()) {
            score += 2;
            why.add("header word '" + stem.group(1) + "'");
        } else if (word.matches()) {
            score += 2;
            why.add("header word '" + word.group(2) + "'");
        }
        return new Verdict(score >= 1, score, why);
    }
}
