//! Amounts as an operator types them, read exactly: decimal text to
//! micro-units, with no more decimals than the currency has (ISO 4217's
//! minor units; 2 for a code this table does not know).

/// Currencies whose minor unit is not 2 (ISO 4217).
const MINOR_UNITS: &[(&str, u32)] = &[
    ("BHD", 3),
    ("BIF", 0),
    ("CLF", 4),
    ("CLP", 0),
    ("DJF", 0),
    ("GNF", 0),
    ("IQD", 3),
    ("ISK", 0),
    ("JOD", 3),
    ("JPY", 0),
    ("KMF", 0),
    ("KRW", 0),
    ("KWD", 3),
    ("LYD", 3),
    ("OMR", 3),
    ("PYG", 0),
    ("RWF", 0),
    ("TND", 3),
    ("UGX", 0),
    ("UYI", 0),
    ("UYW", 4),
    ("VND", 0),
    ("VUV", 0),
    ("XAF", 0),
    ("XOF", 0),
    ("XPF", 0),
];

pub fn decimals(currency: &str) -> u32 {
    let code = currency.trim().to_ascii_uppercase();
    MINOR_UNITS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(2, |(_, d)| *d)
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("the amount is empty")]
    Empty,
    #[error("{0:?} is not an amount (digits, and a point before the decimals)")]
    NotANumber(String),
    #[error("the amount must be more than zero")]
    NotPositive,
    #[error("{currency} has {allowed} decimals; {text:?} has more")]
    TooManyDecimals {
        text: String,
        currency: String,
        allowed: u32,
    },
    #[error("the amount is too large")]
    TooLarge,
}

/// `text` in micro-units of `currency`. A comma is read as the decimal point
/// when there is no point ("12,50"); signs, exponents, NaN and thousands
/// separators are refused rather than guessed.
pub fn parse(text: &str, currency: &str) -> Result<i64, AmountError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(AmountError::Empty);
    }
    if t.starts_with('-') {
        return Err(AmountError::NotPositive);
    }
    let normalized = if !t.contains('.') && t.matches(',').count() == 1 {
        t.replace(',', ".")
    } else {
        t.to_owned()
    };
    let (int, frac) = normalized.split_once('.').unwrap_or((&normalized, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if (int.is_empty() && frac.is_empty())
        || !digits(int)
        || !digits(frac)
        || normalized.matches('.').count() > 1
    {
        return Err(AmountError::NotANumber(t.to_owned()));
    }
    let allowed = decimals(currency);
    if frac.len() as u32 > allowed {
        return Err(AmountError::TooManyDecimals {
            text: t.to_owned(),
            currency: currency.to_owned(),
            allowed,
        });
    }
    let int: i64 = if int.is_empty() {
        0
    } else {
        int.parse().map_err(|_| AmountError::TooLarge)?
    };
    let frac: i64 = format!("{frac:0<6}")
        .parse()
        .map_err(|_| AmountError::NotANumber(t.to_owned()))?;
    let micros = int
        .checked_mul(1_000_000)
        .and_then(|m| m.checked_add(frac))
        .ok_or(AmountError::TooLarge)?;
    if micros == 0 {
        return Err(AmountError::NotPositive);
    }
    Ok(micros)
}

/// Micro-units as the currency writes them: `12.50` USD, `1250` JPY.
pub fn format(micros: i64, currency: &str) -> String {
    let d = decimals(currency);
    let unit = 10_i64.pow(6 - d.min(6));
    let scaled = micros / unit;
    if d == 0 {
        scaled.to_string()
    } else {
        let p = 10_i64.pow(d);
        format!("{}.{:0width$}", scaled / p, scaled % p, width = d as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_exactly_to_the_currency_s_decimals() {
        assert_eq!(parse("12.5", "USD"), Ok(12_500_000));
        assert_eq!(parse(" 12,50 ", "EUR"), Ok(12_500_000));
        assert_eq!(parse("1500", "JPY"), Ok(1_500_000_000));
        assert_eq!(parse("0.125", "KWD"), Ok(125_000));
        assert_eq!(parse(".5", "USD"), Ok(500_000));
        for (text, currency) in [("0", "USD"), ("0.00", "USD"), ("-5", "USD")] {
            assert_eq!(
                parse(text, currency),
                Err(AmountError::NotPositive),
                "{text}"
            );
        }
        for text in [
            "NaN", "inf", "1e3", "1.2.3", "12 50", "1,000.00", "$5", "+5", ".",
        ] {
            assert!(
                matches!(parse(text, "USD"), Err(AmountError::NotANumber(_))),
                "{text}"
            );
        }
        assert!(matches!(
            parse("1.005", "USD"),
            Err(AmountError::TooManyDecimals { allowed: 2, .. })
        ));
        assert!(matches!(
            parse("1.5", "JPY"),
            Err(AmountError::TooManyDecimals { allowed: 0, .. })
        ));
        assert!(matches!(
            parse("1.001", "XYZ"),
            Err(AmountError::TooManyDecimals { allowed: 2, .. })
        ));
        assert_eq!(parse("99999999999999", "USD"), Err(AmountError::TooLarge));
        assert_eq!(parse("", "USD"), Err(AmountError::Empty));
    }

    #[test]
    fn amounts_are_written_with_the_currency_s_decimals() {
        assert_eq!(format(12_500_000, "USD"), "12.50");
        assert_eq!(format(1_500_000_000, "JPY"), "1500");
        assert_eq!(format(125_000, "KWD"), "0.125");
    }
}
