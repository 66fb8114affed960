//! Calendar dates as written in the config (`YYYY-MM-DD`), validated strictly so that an
//! impossible date such as 2017-02-30 is refused instead of rolled over.

use std::fmt;

/// A valid Gregorian calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    /// Year, 1000–9999.
    pub year: u16,
    /// Month, 1–12.
    pub month: u8,
    /// Day of the month, 1–31 as the month allows.
    pub day: u8,
}

impl Date {
    /// Parses `YYYY-MM-DD`, saying what is wrong when it is not a real date.
    pub fn parse(text: &str) -> Result<Self, String> {
        let parts: Vec<&str> = text.split('-').collect();
        let well_formed = parts.len() == 3
            && [4, 2, 2].iter().zip(&parts).all(|(n, p)| p.len() == *n)
            && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()));
        if !well_formed {
            return Err(format!(
                "\"{text}\" is not a date; write it as YYYY-MM-DD, e.g. 2016-09-19"
            ));
        }
        let number = |p: &str| p.parse::<u16>().unwrap_or(0);
        let (year, month, day) = (number(parts[0]), number(parts[1]), number(parts[2]));
        if !(1000..=9999).contains(&year) {
            return Err(format!("{text}: year {year} is out of range"));
        }
        if !(1..=12).contains(&month) {
            return Err(format!("{text}: there is no month {month}"));
        }
        let last = days_in_month(year, month as u8);
        if day == 0 || day > u16::from(last) {
            return Err(format!("{text}: day {day} does not exist (that month has {last} days)"));
        }
        Ok(Self { year, month: month as u8, day: day as u8 })
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::Date;

    #[test]
    fn accepts_real_dates_including_leap_days() {
        assert_eq!(Date::parse("2016-09-19"), Ok(Date { year: 2016, month: 9, day: 19 }));
        assert!(Date::parse("2016-02-29").is_ok());
        assert!(Date::parse("2000-02-29").is_ok());
    }

    #[test]
    fn refuses_impossible_dates() {
        for bad in
            ["2017-02-30", "2016-13-01", "2017-02-29", "1900-02-29", "2016-04-31", "2016-00-10"]
        {
            assert!(Date::parse(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn refuses_malformed_text() {
        for bad in ["", "xx", "2016-9-19", "19/09/2016", "2016-09-19T00:00", "２０１６-09-19"] {
            assert!(Date::parse(bad).is_err(), "{bad} accepted");
        }
    }
}
