"""Monitoring the service (issue 17 items 3 and 4): reports as tables of counts over whole
periods, with small numbers suppressed (`suppression`), drawn as accessible SVG charts
(`charts`) and exported as CSV and XLSX (`exports`). Pure: no database code; the figures
come from a `reports.ReportSource`."""
