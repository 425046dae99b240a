{#- The standard normal quantile z(p) for a service level p in (0, 1), in portable SQL (ln, sqrt):
    Acklam's rational approximation (relative error below 1.2e-9), lower tail, centre and upper tail. -#}
{% macro normal_quantile(p) -%}
    case
        when {{ p }} <= 0 or {{ p }} >= 1 then null
        when {{ p }} < 0.02425 then
            {{ _acklam_tail('sqrt(-2 * ln(' ~ p ~ '))') }}
        when {{ p }} > 0.97575 then
            -({{ _acklam_tail('sqrt(-2 * ln(1 - (' ~ p ~ ')))') }})
        else
            {{ _acklam_centre('((' ~ p ~ ') - 0.5)') }}
    end
{%- endmacro %}

{% macro _acklam_tail(q) -%}
    ((((((-7.784894002430293e-03) * {{ q }} - 3.223964580411365e-01) * {{ q }} - 2.400758277161838e+00) * {{ q }}
      - 2.549732539343734e+00) * {{ q }} + 4.374664141464968e+00) * {{ q }} + 2.938163982698783e+00)
    / ((((7.784695709041462e-03 * {{ q }} + 3.224671290700398e-01) * {{ q }} + 2.445134137142996e+00) * {{ q }}
      + 3.754408661907416e+00) * {{ q }} + 1)
{%- endmacro %}

{% macro _acklam_centre(q) -%}
    (((((-3.969683028665376e+01 * {{ q }} * {{ q }} + 2.209460984245205e+02) * {{ q }} * {{ q }}
      - 2.759285104469687e+02) * {{ q }} * {{ q }} + 1.383577518672690e+02) * {{ q }} * {{ q }}
      - 3.066479806614716e+01) * {{ q }} * {{ q }} + 2.506628277459239e+00) * {{ q }}
    / (((((-5.447609879822406e+01 * {{ q }} * {{ q }} + 1.615858368580409e+02) * {{ q }} * {{ q }}
      - 1.556989798598866e+02) * {{ q }} * {{ q }} + 6.680131188771972e+01) * {{ q }} * {{ q }}
      - 1.328068155288572e+01) * {{ q }} * {{ q }} + 1)
{%- endmacro %}
