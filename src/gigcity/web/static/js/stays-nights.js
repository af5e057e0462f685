/* What the two beds pages (stays.js, stays-desk.js) share: nights as the server counts them
   (night D runs from 18:00 to 10:00 the next morning, district time, so before 10:00 last
   night is still on) and how days and times are shown. */
(function () {
  "use strict";

  const config = window.gigcity.config;
  const NIGHT_ENDS_HOUR = 10; // services/stays: a night ends at 10:00

  /* "YYYY-MM-DD" of the night `offsetDays` after tonight. */
  function night(offsetDays) {
    const hour = Number(new Intl.DateTimeFormat("en-GB", { timeZone: config.timezone, hour: "2-digit", hourCycle: "h23" }).format(new Date()));
    const shift = hour < NIGHT_ENDS_HOUR ? -1 : 0;
    const when = new Date(Date.now() + (offsetDays + shift) * 86400000);
    return new Intl.DateTimeFormat("en-CA", { timeZone: config.timezone }).format(when);
  }

  /* A day ("YYYY-MM-DD") as the month, day and weekday, in the page's language. */
  function shortDate(day) {
    return new Intl.DateTimeFormat(config.htmlLang, { timeZone: "UTC", month: "numeric", day: "numeric", weekday: "short" }).format(
      new Date(day + "T00:00:00Z")
    );
  }

  /* An instant as the district's "12/6 18:00". */
  function when(iso) {
    return new Intl.DateTimeFormat(config.htmlLang, {
      timeZone: config.timezone,
      month: "numeric",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).format(new Date(iso));
  }

  /* The night picker: tonight and the seven nights after, labelled with `say`. */
  function fillNights(select, say) {
    for (let i = 0; i <= 7; i += 1) {
      const day = night(i);
      const label = i === 0 ? say("tonight", { date: shortDate(day) }) : say("night_of", { date: shortDate(day) });
      select.append(window.gigcity.h("option", { value: day, text: label }));
    }
  }

  window.gigcityNights = { night: night, shortDate: shortDate, when: when, fillNights: fillNights };
})();
